#define _GNU_SOURCE
#include "hypermesh_sandbox_sigsys.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <ucontext.h>

static _Atomic uint32_t refused_count;
static _Atomic int32_t refused_numbers[HYPERMESH_SANDBOX_REFUSAL_RING];

static void on_sigsys(int signal_number, siginfo_t *info, void *context) {
    (void)signal_number;
    uint32_t index = atomic_fetch_add(&refused_count, 1);
    if (index < HYPERMESH_SANDBOX_REFUSAL_RING) atomic_store(&refused_numbers[index], info->si_syscall);
    ucontext_t *interrupted = context;
#if defined(__x86_64__)
    interrupted->uc_mcontext.gregs[REG_RAX] = -EPERM;
#elif defined(__aarch64__)
    interrupted->uc_mcontext.regs[0] = (unsigned long long)(long long)-EPERM;
#else
    (void)interrupted;
#endif
}

int hypermesh_sandbox_install_sigsys_reporter(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigsys;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGSYS, &action, NULL) == 0 ? 0 : errno;
}

uint32_t hypermesh_sandbox_take_refused(int32_t *numbers, uint32_t capacity) {
    uint32_t total = atomic_exchange(&refused_count, 0);
    uint32_t named = total < capacity ? total : capacity;
    if (named > HYPERMESH_SANDBOX_REFUSAL_RING) named = HYPERMESH_SANDBOX_REFUSAL_RING;
    for (uint32_t index = 0; index < named; index++) numbers[index] = atomic_load(&refused_numbers[index]);
    return total;
}
