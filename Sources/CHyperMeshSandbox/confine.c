#define _GNU_SOURCE
#include "hypermesh_sandbox_confine.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel's Landlock structures, spelled here so that older headers still build. */
struct hm_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct hm_landlock_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#define HM_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define HM_LANDLOCK_RULE_PATH_BENEATH 1

int hypermesh_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, HM_LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

int hypermesh_landlock_create_ruleset(uint64_t filesystem, uint64_t network, uint64_t scoped) {
    struct hm_landlock_ruleset_attr attributes = {filesystem, network, scoped};
    size_t size = scoped ? 24 : network ? 16 : 8;
    long fd = syscall(__NR_landlock_create_ruleset, &attributes, size, 0);
    return fd < 0 ? -errno : (int)fd;
}

int hypermesh_landlock_allow_path(int ruleset, const char *path, uint64_t access) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return errno;
    struct hm_landlock_path_beneath_attr rule = {access, fd};
    long result = syscall(__NR_landlock_add_rule, ruleset, HM_LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    int error = result < 0 ? errno : 0;
    close(fd);
    return error;
}

int hypermesh_landlock_restrict_self(int ruleset) {
    long result = syscall(__NR_landlock_restrict_self, ruleset, 0);
    int error = result < 0 ? errno : 0;
    close(ruleset);
    return error;
}

int hypermesh_seccomp_install_all_threads(const uint64_t *instructions, unsigned short count) {
    struct sock_fprog program = {count, (struct sock_filter *)instructions};
    long result = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program);
    if (result < 0) return errno;
    return result == 0 ? 0 : EBUSY; /* a positive result names a thread that could not be synchronized */
}

int hypermesh_drop_capabilities(int *dropped) {
    *dropped = 0;
    for (int capability = 0; capability <= 63; capability++) {
        if (prctl(PR_CAPBSET_READ, capability, 0, 0, 0) != 1) continue;
        if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0) {
            if (errno == EPERM) break; /* no CAP_SETPCAP: nothing to drop that the process holds */
            return errno;
        }
        (*dropped)++;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) return errno;
    return 0;
}

/* ---- The namespaced spawn ----------------------------------------------------------------- */

/* What the child reports when it fails: the step and its errno, written into the parent's memory
   (the child shares it: CLONE_VM) before it exits. */
typedef struct spawn_state {
    const hypermesh_spawn_request *request;
    uid_t outer_uid;
    gid_t outer_gid;
    volatile int failed_step;
    volatile int error;
} spawn_state;

static const char *const child_steps[] = {"none", "setgroups", "setgid", "setuid", "unshare", "setgroups deny", "gid_map",
                                          "uid_map", "mount propagation", "setsid", "dup2", "exec"};

/* Raw system calls only in the child: it runs on the parent's memory while the parent's thread is
   suspended (CLONE_VFORK), so it must not take a lock or touch what the parent's other threads use.
   Returns the errno, 0 on success. */
static int child_write(const char *path, const char *text, size_t length) {
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    long written = syscall(SYS_write, fd, text, length);
    int error = written == (long)length ? 0 : (written < 0 ? errno : EIO);
    syscall(SYS_close, fd);
    return error;
}

/* "N N 1\n" for `id`, without printf (not async-signal-safe). */
static size_t one_to_one_map(char *buffer, unsigned long id) {
    char digits[24];
    size_t count = 0;
    do { digits[count++] = (char)('0' + id % 10); id /= 10; } while (id);
    size_t length = 0;
    for (int copy = 0; copy < 2; copy++) {
        for (size_t index = count; index > 0; index--) buffer[length++] = digits[index - 1];
        buffer[length++] = ' ';
    }
    buffer[length++] = '1';
    buffer[length++] = '\n';
    return length;
}

static int run_child(void *argument) {
    spawn_state *state = argument;
    const hypermesh_spawn_request *request = state->request;
#define FAIL(step) do { state->error = errno; state->failed_step = (step); syscall(SYS_exit_group, 127); } while (0)
    uid_t uid = state->outer_uid;
    gid_t gid = state->outer_gid;
    if (request->worker_uid >= 0) {
        uid = (uid_t)request->worker_uid;
        gid = (gid_t)request->worker_gid;
        if (syscall(SYS_setgroups, 0, NULL) != 0) FAIL(1);
        if (syscall(SYS_setresgid, gid, gid, gid) != 0) FAIL(2);
        if (syscall(SYS_setresuid, uid, uid, uid) != 0) FAIL(3);
    }
    if (request->namespaces) {
        if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) != 0) FAIL(4);
        /* Its own ids, one to one: the only maps a process may write for itself. */
        char map[64];
        int error = child_write("/proc/self/setgroups", "deny", 4);
        if (error && error != ENOENT) { errno = error; FAIL(5); }
        if ((error = child_write("/proc/self/gid_map", map, one_to_one_map(map, gid)))) { errno = error; FAIL(6); }
        if ((error = child_write("/proc/self/uid_map", map, one_to_one_map(map, uid)))) { errno = error; FAIL(7); }
        if (syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) FAIL(8);
    }
    if (syscall(SYS_setsid) < 0) FAIL(9);
    /* Move the descriptors above 10 first, so that a dup2 cannot overwrite one still needed. */
    long null_fd = syscall(SYS_fcntl, request->null_fd, F_DUPFD_CLOEXEC, 10);
    long stderr_fd = syscall(SYS_fcntl, request->stderr_fd, F_DUPFD_CLOEXEC, 10);
    long socket_fd = syscall(SYS_fcntl, request->socket_fd, F_DUPFD_CLOEXEC, 10);
    if (null_fd < 0 || stderr_fd < 0 || socket_fd < 0) FAIL(10);
    if (syscall(SYS_dup2, null_fd, 0) < 0 || syscall(SYS_dup2, null_fd, 1) < 0 || syscall(SYS_dup2, stderr_fd, 2) < 0 ||
        syscall(SYS_dup2, socket_fd, 3) < 0) FAIL(10);
    /* Default dispositions (the handler table is the child's own: no CLONE_SIGHAND), then an
       empty mask; the kernel struct is 8 bytes of mask on x86_64 and aarch64. */
    struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } action = {SIG_DFL, 0, NULL, 0};
    for (int signal_number = 1; signal_number < 65; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) syscall(SYS_rt_sigaction, signal_number, &action, NULL, 8);
    }
    unsigned long empty = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, 8);
    syscall(SYS_execve, request->path, request->argv, request->envp);
    FAIL(11);
#undef FAIL
    return 127;
}

pid_t hypermesh_sandbox_spawn(const hypermesh_spawn_request *request, const char **failed_step, int *error) {
    *failed_step = NULL;
    *error = 0;
    spawn_state state = {request, geteuid(), getegid(), 0, 0};
    size_t stack_size = 64 * 1024;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) { *failed_step = "mmap"; *error = errno; return -1; }
    /* Signals stay blocked across the clone: the child must not run the host's handlers before it
       resets them. CLONE_VM | CLONE_VFORK, as posix_spawn: nothing of the host is copied, and this
       thread waits until the child has exec'd or exited. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    int pid = clone(run_child, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &state);
    int clone_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    munmap(stack, stack_size);
    if (pid < 0) { *failed_step = "clone"; *error = clone_error; return -1; }
    if (state.failed_step) {
        int child_status;
        while (waitpid(pid, &child_status, 0) < 0 && errno == EINTR) {}
        *failed_step = state.failed_step > 0 && state.failed_step < 12 ? child_steps[state.failed_step] : "child";
        *error = state.error;
        return -1;
    }
    return pid;
}

/* ---- Helpers for Swift: GNU calls the Glibc module does not import ---------------------------- */

int hypermesh_pipe_cloexec(int descriptors[2]) { return pipe2(descriptors, O_CLOEXEC) == 0 ? 0 : errno; }

int hypermesh_probe_route(int route, pid_t host) {
    long result = -1;
    errno = 0;
    switch (route) {
    case HYPERMESH_PROBE_PRLIMIT: {
        struct rlimit old;
        result = prlimit(host, RLIMIT_NOFILE, NULL, &old);
        break;
    }
    case HYPERMESH_PROBE_VM_READ: {
        char byte;
        struct iovec local = {&byte, 1}, remote = {(void *)0x10000, 1};
        result = process_vm_readv(host, &local, 1, &remote, 1, 0);
        /* EFAULT: the call ran and only the address was wrong: the route is open. */
        if (result < 0 && errno == EFAULT) result = 0;
        break;
    }
    case HYPERMESH_PROBE_UNSHARE:
        result = unshare(CLONE_NEWUSER);
        break;
    case HYPERMESH_PROBE_TGSIGQUEUE: {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = 0;
        info.si_code = SI_QUEUE;
        info.si_pid = getpid();
        result = syscall(SYS_rt_tgsigqueueinfo, host, host, 0, &info);
        break;
    }
    default:
        return EINVAL;
    }
    return result < 0 ? errno : 0;
}
