#ifndef HYPERMESH_SANDBOX_CONFINE_H
#define HYPERMESH_SANDBOX_CONFINE_H

/*
 * The kernel calls a worker confines itself with, and the host's namespaced spawn. They are in C
 * because Swift cannot call the variadic syscall(2), and because the child of a
 * clone(CLONE_VM | CLONE_VFORK) runs on the host's memory and may only make raw system calls until
 * it execs.
 *
 * Every function returns 0 or a positive errno (never sets errno as its only report), except where
 * noted.
 */

#include <stdint.h>
#include <sys/types.h>

/** The Landlock ABI version the kernel offers (1...), or the negated errno (-ENOSYS, -EOPNOTSUPP). */
int hypermesh_landlock_abi(void);

/**
 * Creates a ruleset that handles `filesystem` access rights, `network` rights and `scoped` scopes.
 * The attribute size passed to the kernel is the smallest that carries the non-zero fields, so an
 * older ABI accepts a ruleset without network or scope parts. Returns the ruleset descriptor, or the
 * negated errno.
 */
int hypermesh_landlock_create_ruleset(uint64_t filesystem, uint64_t network, uint64_t scoped);

/** Allows `access` beneath `path` (a folder, or one file) in `ruleset`. 0 or errno. */
int hypermesh_landlock_allow_path(int ruleset, const char *path, uint64_t access);

/** Restricts the calling thread (and the threads it starts afterwards) to `ruleset`, then closes it. */
int hypermesh_landlock_restrict_self(int ruleset);

/**
 * Installs a seccomp BPF program of `count` packed `struct sock_filter` on every thread of the
 * process (SECCOMP_FILTER_FLAG_TSYNC). 0, or errno; a thread that could not be synchronized is
 * reported as EBUSY.
 */
int hypermesh_seccomp_install_all_threads(const uint64_t *instructions, unsigned short count);

/**
 * Drops every capability: the bounding set (where the process may: CAP_SETPCAP), the ambient set,
 * and the effective, permitted and inheritable sets. Writes how many bounding-set entries were
 * dropped into `dropped`. 0, or the errno of the first call that failed.
 */
int hypermesh_drop_capabilities(int *dropped);

/** What the namespaced spawn should create and how the child should start. */
typedef struct hypermesh_spawn_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    /** Descriptors the child gets as 0, 1 (both /dev/null), 2 (standard error) and 3 (the socket). */
    int null_fd;
    int stderr_fd;
    int socket_fd;
    /** Non-zero: new user, mount, network and IPC namespaces. */
    int namespaces;
    /** Where `worker_uid` >= 0 (a root host only): the uid and gid the child runs as. */
    int64_t worker_uid;
    int64_t worker_gid;
} hypermesh_spawn_request;

/**
 * Starts `request->path` as posix_spawn would (clone with CLONE_VM | CLONE_VFORK: nothing of the
 * host is copied; the calling thread waits until the child has exec'd), in a new session, with
 * default signal dispositions and an empty signal mask. When asked, the child first switches to
 * `worker_uid`/`worker_gid`, then unshares new user, mount, network and IPC namespaces and writes
 * its own one-to-one id maps (setgroups denied) and makes its mounts private. Returns the child's
 * pid; on failure -1 with `*failed_step` naming the step ("unshare", "uid_map", "exec"...) and
 * `*error` its errno. The child is reaped on failure.
 */
pid_t hypermesh_sandbox_spawn(const hypermesh_spawn_request *request, const char **failed_step, int *error);

/** pipe2(descriptors, O_CLOEXEC): 0 or errno. */
int hypermesh_pipe_cloexec(int descriptors[2]);

/** Routes `hypermesh doctor`'s probe tries that Swift's Glibc module does not import. */
enum {
    HYPERMESH_PROBE_PRLIMIT = 1,     /* prlimit(host, RLIMIT_NOFILE), reading only */
    HYPERMESH_PROBE_VM_READ = 2,     /* process_vm_readv of one byte of the host */
    HYPERMESH_PROBE_UNSHARE = 3,     /* unshare(CLONE_NEWUSER) */
    HYPERMESH_PROBE_TGSIGQUEUE = 4,  /* rt_tgsigqueueinfo(host, host, 0) */
};

/** Tries `route` against `host`: 0 when the kernel allowed it, else its errno. */
int hypermesh_probe_route(int route, pid_t host);

#endif
