/*
 * isolated_extension.c — a C extension for the worker-process tests (HyperMeshSandboxTests): some
 * methods behave, the others do what only a worker process survives or what its confinement refuses.
 *
 * Metadata: id "org.hypermesh.tests.isolated", version "1.0.0".
 *
 * Methods (raw bytes in and out):
 *   echo        returns the input unchanged
 *   put         storage_put("greeting", input), then storage_get("greeting"): returns what the host
 *               answered (host errors are passed through with their message)
 *   log         host log at INFO with the input, returns "logged"
 *   crash       writes through a NULL pointer (SIGSEGV)
 *   spin        loops forever
 *   allocate    mallocs 1 MiB blocks and touches them without checking for NULL; stops at 1 GiB
 *               and answers "unlimited" (so a missing limit fails the test instead of the machine)
 *   open_files  opens /dev/null until it fails: "opened=N errno=E" (at most 100000)
 *   socket      socket(AF_INET, SOCK_STREAM): "result=R errno=E"
 *   fork        fork() (a child exits at once): "result=R errno=E" (R is 1 when a child was made)
 *   exec        execve("/bin/true"): "result=R errno=E" (only returns when refused)
 *   thread      starts and joins a thread: "thread=ok" or "thread=failed errno=E"
 *   pid         the worker's process id, as decimal text
 *   burn        busy for the input's number of milliseconds of thread CPU time, then "burned"
 *   signal_host kill(getppid(), 0) (signal 0: a probe, harmless if it were allowed): "result=R errno=E"
 *   signal_self kill(getpid(), 0): "result=R errno=E"
 *   io_uring    io_uring_setup(1, &params): "result=R errno=E" (R is 0 when a ring was made)
 *   late_host_call  starts a thread that stores a key through the host 200 ms later, after the call
 *               returned; answers "started"
 *   late_status the status that late host call got: "status=S" (-1 while it has not run)
 */
#define _GNU_SOURCE
#include "hypermesh_extension.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct isolated {
    const hypermesh_host_api *host;
    hypermesh_context *context;
} isolated;

static hypermesh_status reply(const isolated *self, hypermesh_bytes *out, const void *data, size_t len) {
    out->data = self->host->alloc(len);
    if (!out->data) return HYPERMESH_ERR_INTERNAL;
    memcpy(out->data, data, len);
    out->len = len;
    return HYPERMESH_OK;
}

static hypermesh_status reply_text(const isolated *self, hypermesh_bytes *out, const char *text) {
    return reply(self, out, text, strlen(text));
}

static int is(const char *method, size_t len, const char *name) {
    return strlen(name) == len && memcmp(method, name, len) == 0;
}

static void *thread_body(void *arg) { return arg; }

static _Atomic int late_status = -1;

static void *late_body(void *arg) {
    const isolated *self = arg;
    struct timespec pause = {0, 200 * 1000 * 1000};
    while (nanosleep(&pause, &pause) == -1 && errno == EINTR) {}
    hypermesh_error error = {0};
    atomic_store(&late_status, (int)self->host->storage_put(self->context, "late", 4, (const uint8_t *)"x", 1, &error));
    if (error.message) self->host->free(error.message);
    return NULL;
}

/* Keeps the allocations observable, so the compiler cannot drop them. */
static void *volatile kept;

static hypermesh_status handle(void *instance, const char *method, size_t method_len, const uint8_t *input, size_t input_len,
                               hypermesh_bytes *out, hypermesh_error *out_error) {
    isolated *self = instance;
    char text[128];
    if (is(method, method_len, "echo")) return reply(self, out, input, input_len);
    if (is(method, method_len, "put")) {
        hypermesh_status status = self->host->storage_put(self->context, "greeting", 8, input, input_len, out_error);
        if (status != HYPERMESH_OK) return status;
        return self->host->storage_get(self->context, "greeting", 8, out, out_error);
    }
    if (is(method, method_len, "log")) {
        self->host->log(self->context, HYPERMESH_LOG_INFO, (const char *)input, input_len);
        return reply_text(self, out, "logged");
    }
    if (is(method, method_len, "crash")) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
        return HYPERMESH_ERR_INTERNAL;
    }
    if (is(method, method_len, "spin")) {
        volatile unsigned long counter = 0;
        for (;;) counter++;
    }
    if (is(method, method_len, "allocate")) {
        void *chain = NULL;
        for (int mib = 0; mib < 1024; mib++) {
            char *block = malloc(1 << 20);
            memset(block, mib & 0xff, 1 << 20); /* NULL under the limit: SIGSEGV */
            *(void **)block = chain;
            chain = block;
            kept = chain;
        }
        while (chain) { void *next = *(void **)chain; free(chain); chain = next; }
        kept = NULL;
        return reply_text(self, out, "unlimited");
    }
    if (is(method, method_len, "open_files")) {
        int opened = 0, error = 0;
        while (opened < 100000) {
            if (open("/dev/null", O_RDONLY) < 0) { error = errno; break; }
            opened++;
        }
        snprintf(text, sizeof text, "opened=%d errno=%d", opened, error);
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "socket")) {
        errno = 0;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        snprintf(text, sizeof text, "result=%d errno=%d", fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
        if (fd >= 0) close(fd);
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "fork")) {
        errno = 0;
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        int error = errno;
        if (pid > 0) waitpid(pid, NULL, 0);
        snprintf(text, sizeof text, "result=%d errno=%d", pid < 0 ? -1 : 1, pid < 0 ? error : 0);
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "exec")) {
        char *argv[] = {"/bin/true", NULL};
        char *envp[] = {NULL};
        errno = 0;
        int result = execve("/bin/true", argv, envp);
        snprintf(text, sizeof text, "result=%d errno=%d", result, errno);
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "burn")) {
        char digits[16] = {0};
        memcpy(digits, input, input_len < sizeof digits - 1 ? input_len : sizeof digits - 1);
        long milliseconds = strtol(digits, NULL, 10);
        struct timespec start, now;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
        do {
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        } while ((now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L < milliseconds);
        return reply_text(self, out, "burned");
    }
    if (is(method, method_len, "late_host_call")) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, late_body, self) != 0) return reply_text(self, out, "no thread");
        pthread_detach(thread);
        return reply_text(self, out, "started");
    }
    if (is(method, method_len, "late_status")) {
        snprintf(text, sizeof text, "status=%d", atomic_load(&late_status));
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "pid")) {
        snprintf(text, sizeof text, "%d", (int)getpid());
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "signal_host") || is(method, method_len, "signal_self")) {
        errno = 0;
        int result = kill(is(method, method_len, "signal_host") ? getppid() : getpid(), 0);
        snprintf(text, sizeof text, "result=%d errno=%d", result, result < 0 ? errno : 0);
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "io_uring")) {
        unsigned char params[120] = {0}; /* struct io_uring_params */
        errno = 0;
        long fd = syscall(425 /* io_uring_setup, the same on x86_64 and arm64 */, 1, params);
        snprintf(text, sizeof text, "result=%d errno=%d", fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
        if (fd >= 0) close((int)fd);
        return reply_text(self, out, text);
    }
    if (is(method, method_len, "thread")) {
        pthread_t thread;
        int error = pthread_create(&thread, NULL, thread_body, NULL);
        if (error == 0) pthread_join(thread, NULL);
        if (error == 0) return reply_text(self, out, "thread=ok");
        snprintf(text, sizeof text, "thread=failed errno=%d", error);
        return reply_text(self, out, text);
    }
    if (out_error) {
        out_error->code = HYPERMESH_ERR_UNKNOWN_METHOD;
        out_error->message = NULL;
    }
    return HYPERMESH_ERR_UNKNOWN_METHOD;
}

static const hypermesh_extension_metadata_t metadata = {
    sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, "org.hypermesh.tests.isolated", "1.0.0", "Isolated",
};

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) { return &metadata; }

HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                hypermesh_error *out_error) {
    (void)out_error;
    isolated *self = calloc(1, sizeof *self);
    hypermesh_extension *extension = calloc(1, sizeof *extension);
    if (!self || !extension) { free(self); free(extension); return NULL; }
    self->host = host;
    self->context = context;
    extension->struct_size = sizeof *extension;
    extension->instance = self;
    extension->handle = handle;
    return extension;
}

HYPERMESH_EXPORT void hypermesh_extension_destroy(hypermesh_extension *extension) {
    if (!extension) return;
    free(extension->instance);
    free(extension);
}
