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

/* ---- The namespaced spawn ---------------------------------------------------------------- */

/* Writes `text` to `path` in one write; 0 or errno. Used by the parent for the id maps. */
static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    ssize_t length = (ssize_t)strlen(text);
    ssize_t written = write(fd, text, (size_t)length);
    int error = written == length ? 0 : (written < 0 ? errno : EIO);
    close(fd);
    return error;
}

/* The child reports the step and errno it failed at, as two ints, on the status pipe. */
static void child_fail(int status_fd, int step, int error) {
    int report[2] = {step, error};
    ssize_t ignored = write(status_fd, report, sizeof report);
    (void)ignored;
    _exit(127);
}

static const char *const child_steps[] = {"wait for the id maps", "setsid", "mount propagation", "setgroups", "setgid",
                                          "setuid", "dup2", "exec"};

static void run_child(const hypermesh_spawn_request *request, int go_fd, int status_fd) {
    char byte;
    if (request->namespaces) {
        /* The parent writes the id maps, then one byte. End of file: it gave up. */
        ssize_t got;
        do { got = read(go_fd, &byte, 1); } while (got < 0 && errno == EINTR);
        if (got != 1) child_fail(status_fd, 0, got < 0 ? errno : EPIPE);
    }
    close(go_fd);
    if (setsid() < 0) child_fail(status_fd, 1, errno);
    if (request->namespaces && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) child_fail(status_fd, 2, errno);
    if (request->worker_uid >= 0) {
        /* Raw system calls: glibc's wrappers would signal the parent's other threads (setxid). */
        gid_t gid = (gid_t)request->worker_gid;
        uid_t uid = (uid_t)request->worker_uid;
        if (syscall(SYS_setgroups, 0, NULL) != 0) child_fail(status_fd, 3, errno);
        if (syscall(SYS_setresgid, gid, gid, gid) != 0) child_fail(status_fd, 4, errno);
        if (syscall(SYS_setresuid, uid, uid, uid) != 0) child_fail(status_fd, 5, errno);
    }
    /* Move the descriptors above 3 first, so that a dup2 cannot overwrite one still needed. */
    int null_fd = fcntl(request->null_fd, F_DUPFD_CLOEXEC, 10);
    int stderr_fd = fcntl(request->stderr_fd, F_DUPFD_CLOEXEC, 10);
    int socket_fd = fcntl(request->socket_fd, F_DUPFD_CLOEXEC, 10);
    if (null_fd < 0 || stderr_fd < 0 || socket_fd < 0) child_fail(status_fd, 6, errno);
    if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(stderr_fd, 2) < 0 || dup2(socket_fd, 3) < 0) child_fail(status_fd, 6, errno);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < 65; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) sigaction(signal_number, &action, NULL);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(request->path, request->argv, request->envp);
    child_fail(status_fd, 7, errno);
}

pid_t hypermesh_sandbox_spawn(const hypermesh_spawn_request *request, const char **failed_step, int *error) {
    int go[2], status[2];
    *failed_step = NULL;
    *error = 0;
    if (pipe2(go, O_CLOEXEC) != 0) { *failed_step = "pipe"; *error = errno; return -1; }
    if (pipe2(status, O_CLOEXEC) != 0) {
        *failed_step = "pipe"; *error = errno;
        close(go[0]); close(go[1]);
        return -1;
    }
    long flags = SIGCHLD;
    if (request->namespaces) flags |= CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC;
    uid_t outer_uid = geteuid();
    gid_t outer_gid = getegid();
    /* Signals stay blocked across the clone: the child must not run the host's handlers before it
       resets them. A raw clone: no atfork handlers run in a child that only execs. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    long pid = syscall(SYS_clone, flags, 0, NULL, NULL, 0);
    int clone_error = errno;
    if (pid != 0) pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (pid == 0) {
        close(go[1]);
        close(status[0]);
        run_child(request, go[0], status[1]);
    }
    close(go[0]);
    close(status[1]);
    if (pid < 0) {
        *failed_step = "clone"; *error = clone_error;
        close(go[1]); close(status[0]);
        return -1;
    }
    if (request->namespaces) {
        char path[64], map[64];
        int map_error = 0;
        const char *map_step = NULL;
        if (request->worker_uid >= 0) {
            /* A root host maps the configured uid and gid; the child switches to them. */
            snprintf(path, sizeof path, "/proc/%ld/gid_map", pid);
            snprintf(map, sizeof map, "%lld %lld 1\n", (long long)request->worker_gid, (long long)request->worker_gid);
            if ((map_error = write_file(path, map))) map_step = "gid_map";
            snprintf(path, sizeof path, "/proc/%ld/uid_map", pid);
            snprintf(map, sizeof map, "%lld %lld 1\n", (long long)request->worker_uid, (long long)request->worker_uid);
            if (!map_step && (map_error = write_file(path, map))) map_step = "uid_map";
        } else {
            snprintf(path, sizeof path, "/proc/%ld/setgroups", pid);
            if ((map_error = write_file(path, "deny")) && map_error != ENOENT) map_step = "setgroups";
            else map_error = 0;
            snprintf(path, sizeof path, "/proc/%ld/gid_map", pid);
            snprintf(map, sizeof map, "%u %u 1\n", outer_gid, outer_gid);
            if (!map_step && (map_error = write_file(path, map))) map_step = "gid_map";
            snprintf(path, sizeof path, "/proc/%ld/uid_map", pid);
            snprintf(map, sizeof map, "%u %u 1\n", outer_uid, outer_uid);
            if (!map_step && (map_error = write_file(path, map))) map_step = "uid_map";
        }
        if (!map_step) {
            char byte = 1;
            if (write(go[1], &byte, 1) != 1) { map_step = "release the child"; map_error = errno; }
        }
        close(go[1]);
        if (map_step) {
            int child_status;
            kill((pid_t)pid, SIGKILL);
            while (waitpid((pid_t)pid, &child_status, 0) < 0 && errno == EINTR) {}
            close(status[0]);
            *failed_step = map_step; *error = map_error;
            return -1;
        }
    } else {
        close(go[1]);
    }
    int report[2];
    ssize_t got;
    do { got = read(status[0], report, sizeof report); } while (got < 0 && errno == EINTR);
    close(status[0]);
    if (got == (ssize_t)sizeof report) {
        int child_status;
        while (waitpid((pid_t)pid, &child_status, 0) < 0 && errno == EINTR) {}
        *failed_step = report[0] >= 0 && report[0] < 8 ? child_steps[report[0]] : "child";
        *error = report[1];
        return -1;
    }
    return (pid_t)pid;
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
