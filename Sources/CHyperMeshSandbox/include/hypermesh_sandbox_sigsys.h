#ifndef HYPERMESH_SANDBOX_SIGSYS_H
#define HYPERMESH_SANDBOX_SIGSYS_H

/*
 * The worker's SIGSYS reporter. The seccomp filter answers a refused system call with
 * SECCOMP_RET_TRAP: the kernel does not run the call and sends SIGSYS to the thread that made it.
 * This handler notes the system call number and makes the call return -EPERM, so the extension
 * sees an ordinary EPERM and the worker can tell the host which calls were refused.
 *
 * Signal-handler code: only lock-free atomics, no allocation, no libc calls.
 * Not guaranteed: an extension that replaces the handler (the filter refuses rt_sigaction for
 * SIGSYS, so only before the filter) or a burst over the ring's capacity loses reports, never
 * the refusal itself.
 */

#include <stdint.h>

/** How many refused calls one drain can report; more are counted, not named. */
#define HYPERMESH_SANDBOX_REFUSAL_RING 32

/** Installs the handler. Returns 0, or the errno of sigaction. */
int hypermesh_sandbox_install_sigsys_reporter(void);

/**
 * Copies the system call numbers refused since the last drain (at most `capacity`, oldest first)
 * into `numbers`, and returns how many were refused in all (may exceed `capacity`). Resets.
 */
uint32_t hypermesh_sandbox_take_refused(int32_t *numbers, uint32_t capacity);

#endif
