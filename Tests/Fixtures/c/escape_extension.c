/*
 * escape_extension.c — an isolated extension that tries every route out of its worker that the
 * isolation tests know of. Each method makes one attempt and answers "result=R errno=E" (R is -1
 * when refused), so a test can check each route separately; nothing here harms the host when it
 * is refused, and the signals it sends are SIGWINCH (ignored by default) so that a route left open
 * shows as "result=0" rather than as a dead test process.
 *
 * Metadata: id "org.hypermesh.tests.escape", version "1.0.0".
 *
 * Methods (the input is text: a path, a pid, or a count):
 *   read PATH          open(O_RDONLY) and read one byte
 *   write PATH         open(O_WRONLY|O_CREAT|O_APPEND) and write one line
 *   mem PID            open /proc/PID/mem read-write, read one byte at the start of the heap and
 *                      write it back (R is 0 only if both worked)
 *   kill PID / tgkill PID / tkill PID / sigqueue PID / tgsigqueue PID   SIGWINCH by that route
 *   prlimit PID        prlimit(PID, RLIMIT_NOFILE) read-only
 *   setpriority PID    setpriority(PRIO_PROCESS, PID, 19)
 *   vm_read PID        process_vm_readv of one byte
 *   setown PID         fcntl(F_SETOWN, PID) on a pipe;  setsig: F_SETSIG;  async: F_SETFL O_ASYNC
 *   tiocsti            ioctl(0, TIOCSTI, "x")
 *   socket_thread      socket() from a second thread
 *   constructor_socket socket() from the thread a library constructor started at load
 *   tcp PORT           connect to 127.0.0.1:PORT (socket refused first, normally)
 *   abstract NAME      connect to the abstract Unix socket NAME
 *   unshare            unshare(CLONE_NEWUSER)
 *   big_file PATH      writes 200 MiB to PATH (SIGXFSZ ignored): "written=N errno=E"
 *   threads N          starts N threads that wait, then ends them: "started=S errno=E"
 *   allocate           mallocs 1 GiB in 1 MiB blocks: "allocated=MIB"
 *   forge TEXT         writes TEXT and a newline to standard error, returns "written"
 *   pid                getpid()
 */
#define _GNU_SOURCE
#include "hypermesh_extension.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

typedef struct escape {
    const hypermesh_host_api *host;
    hypermesh_context *context;
} escape;

static _Atomic int constructor_result = -2;
static _Atomic int constructor_errno = 0;

static void *constructor_body(void *arg) {
    (void)arg;
    errno = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    atomic_store(&constructor_errno, fd < 0 ? errno : 0);
    atomic_store(&constructor_result, fd < 0 ? -1 : 0);
    if (fd >= 0) close(fd);
    return NULL;
}

__attribute__((constructor)) static void start_constructor_thread(void) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, constructor_body, NULL) == 0) pthread_join(thread, NULL);
}

static hypermesh_status reply(const escape *self, hypermesh_bytes *out, const char *text) {
    size_t len = strlen(text);
    uint8_t *data = self->host->alloc(len);
    if (!data) return HYPERMESH_ERR_INTERNAL;
    memcpy(data, text, len);
    out->data = data;
    out->len = len;
    return HYPERMESH_OK;
}

static hypermesh_status outcome(const escape *self, hypermesh_bytes *out, long result, int error) {
    char text[96];
    snprintf(text, sizeof text, "result=%d errno=%d", result < 0 ? -1 : 0, result < 0 ? error : 0);
    return reply(self, out, text);
}

static int is(const char *method, size_t len, const char *name) { return strlen(name) == len && memcmp(method, name, len) == 0; }

static void *socket_body(void *arg) {
    int *report = arg;
    errno = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    report[0] = fd < 0 ? -1 : 0;
    report[1] = fd < 0 ? errno : 0;
    if (fd >= 0) close(fd);
    return NULL;
}

static void *waiting_body(void *arg) {
    pthread_mutex_t *gate = arg;
    pthread_mutex_lock(gate);
    pthread_mutex_unlock(gate);
    return NULL;
}

static void *volatile kept;

static hypermesh_status handle(void *instance, const char *method, size_t method_len, const uint8_t *input, size_t input_len,
                               hypermesh_bytes *out, hypermesh_error *out_error) {
    escape *self = instance;
    char argument[512] = {0};
    memcpy(argument, input, input_len < sizeof argument - 1 ? input_len : sizeof argument - 1);
    long pid = strtol(argument, NULL, 10);
    long result;
    errno = 0;
    if (is(method, method_len, "read")) {
        int fd = open(argument, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return outcome(self, out, -1, errno);
        char byte;
        result = read(fd, &byte, 1);
        int error = errno;
        close(fd);
        return outcome(self, out, result, error);
    }
    if (is(method, method_len, "write")) {
        int fd = open(argument, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) return outcome(self, out, -1, errno);
        result = write(fd, "escaped\n", 8);
        int error = errno;
        close(fd);
        return outcome(self, out, result, error);
    }
    if (is(method, method_len, "mem")) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/mem", pid);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) return outcome(self, out, -1, errno);
        /* The start of the host's heap is not known here; any mapped address the host has would do.
           Use the address of this library's own code: mapped at the same place only by chance, so a
           read that fails with EIO still means the file was opened (a route left open). */
        char byte = 0;
        off_t where = (off_t)(uintptr_t)&handle;
        result = pread(fd, &byte, 1, where);
        if (result == 1) result = pwrite(fd, &byte, 1, where);
        int error = errno;
        close(fd);
        return outcome(self, out, 0, error); /* opened read-write: that alone is the escape */
    }
    if (is(method, method_len, "kill")) return outcome(self, out, kill((pid_t)pid, SIGWINCH), errno);
    if (is(method, method_len, "tgkill")) return outcome(self, out, syscall(SYS_tgkill, pid, pid, SIGWINCH), errno);
    if (is(method, method_len, "tkill")) return outcome(self, out, syscall(SYS_tkill, pid, SIGWINCH), errno);
    if (is(method, method_len, "sigqueue")) {
        union sigval value = {0};
        return outcome(self, out, sigqueue((pid_t)pid, SIGWINCH, value), errno);
    }
    if (is(method, method_len, "tgsigqueue")) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = SIGWINCH;
        info.si_code = SI_QUEUE;
        info.si_pid = getpid();
        return outcome(self, out, syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGWINCH, &info), errno);
    }
    if (is(method, method_len, "prlimit")) {
        struct rlimit old;
        return outcome(self, out, prlimit((pid_t)pid, RLIMIT_NOFILE, NULL, &old), errno);
    }
    if (is(method, method_len, "setpriority")) return outcome(self, out, setpriority(PRIO_PROCESS, (id_t)pid, 19), errno);
    if (is(method, method_len, "vm_read")) {
        char byte;
        struct iovec local = {&byte, 1}, remote = {(void *)(uintptr_t)&handle, 1};
        return outcome(self, out, process_vm_readv((pid_t)pid, &local, 1, &remote, 1, 0), errno);
    }
    if (is(method, method_len, "setown") || is(method, method_len, "setsig") || is(method, method_len, "async")) {
        int ends[2];
        if (pipe(ends) != 0) return outcome(self, out, -1, errno);
        if (is(method, method_len, "setown")) result = fcntl(ends[0], F_SETOWN, (int)pid);
        else if (is(method, method_len, "setsig")) result = fcntl(ends[0], F_SETSIG, SIGWINCH);
        else result = fcntl(ends[0], F_SETFL, O_ASYNC | O_NONBLOCK);
        int error = errno;
        close(ends[0]);
        close(ends[1]);
        return outcome(self, out, result, error);
    }
    if (is(method, method_len, "tiocsti")) {
        char letter = 'x';
        return outcome(self, out, ioctl(0, TIOCSTI, &letter), errno);
    }
    if (is(method, method_len, "socket_thread")) {
        int report[2] = {-2, 0};
        pthread_t thread;
        if (pthread_create(&thread, NULL, socket_body, report) != 0) return reply(self, out, "no thread");
        pthread_join(thread, NULL);
        return outcome(self, out, report[0], report[1]);
    }
    if (is(method, method_len, "constructor_socket")) {
        return outcome(self, out, atomic_load(&constructor_result), atomic_load(&constructor_errno));
    }
    if (is(method, method_len, "tcp")) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return outcome(self, out, -1, errno);
        struct sockaddr_in address = {0};
        address.sin_family = AF_INET;
        address.sin_port = htons((uint16_t)pid);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        result = connect(fd, (struct sockaddr *)&address, sizeof address);
        int error = errno;
        close(fd);
        return outcome(self, out, result, error);
    }
    if (is(method, method_len, "abstract")) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) return outcome(self, out, -1, errno);
        struct sockaddr_un address = {0};
        address.sun_family = AF_UNIX;
        size_t length = strlen(argument);
        if (length > sizeof address.sun_path - 2) length = sizeof address.sun_path - 2;
        memcpy(address.sun_path + 1, argument, length);
        result = connect(fd, (struct sockaddr *)&address, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length));
        int error = errno;
        close(fd);
        return outcome(self, out, result, error);
    }
    if (is(method, method_len, "unshare")) return outcome(self, out, unshare(CLONE_NEWUSER), errno);
    if (is(method, method_len, "big_file")) {
        signal(SIGXFSZ, SIG_IGN);
        int fd = open(argument, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) return outcome(self, out, -1, errno);
        static char block[1 << 20];
        long written = 0;
        int error = 0;
        for (int mib = 0; mib < 200; mib++) {
            ssize_t count = write(fd, block, sizeof block);
            if (count < 0) { error = errno; break; }
            written += count;
            if (count < (ssize_t)sizeof block) { error = EFBIG; break; }
        }
        close(fd);
        unlink(argument);
        char text[96];
        snprintf(text, sizeof text, "written=%ld errno=%d", written, error);
        return reply(self, out, text);
    }
    if (is(method, method_len, "threads")) {
        long wanted = pid > 0 && pid <= 4000 ? pid : 2000;
        pthread_t *threads = calloc((size_t)wanted, sizeof *threads);
        pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&gate);
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, 64 * 1024);
        long started = 0;
        int error = 0;
        while (started < wanted) {
            int code = pthread_create(&threads[started], &attributes, waiting_body, &gate);
            if (code != 0) { error = code; break; }
            started++;
        }
        pthread_mutex_unlock(&gate);
        for (long index = 0; index < started; index++) pthread_join(threads[index], NULL);
        free(threads);
        char text[96];
        snprintf(text, sizeof text, "started=%ld errno=%d", started, error);
        return reply(self, out, text);
    }
    if (is(method, method_len, "allocate")) {
        void *chain = NULL;
        int mib = 0;
        for (; mib < 1024; mib++) {
            char *block = malloc(1 << 20);
            if (!block) break;
            memset(block, mib & 0xff, 1 << 20);
            *(void **)block = chain;
            chain = block;
            kept = chain;
        }
        while (chain) { void *next = *(void **)chain; free(chain); chain = next; }
        kept = NULL;
        char text[64];
        snprintf(text, sizeof text, "allocated=%d", mib);
        return reply(self, out, text);
    }
    if (is(method, method_len, "forge")) {
        char line[600];
        int length = snprintf(line, sizeof line, "%s\n", argument);
        ssize_t ignored = write(2, line, (size_t)length);
        (void)ignored;
        return reply(self, out, "written");
    }
    if (is(method, method_len, "pid")) {
        char text[32];
        snprintf(text, sizeof text, "%d", (int)getpid());
        return reply(self, out, text);
    }
    if (out_error) {
        out_error->code = HYPERMESH_ERR_UNKNOWN_METHOD;
        out_error->message = NULL;
    }
    return HYPERMESH_ERR_UNKNOWN_METHOD;
}

static const hypermesh_extension_metadata_t metadata = {
    sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, "org.hypermesh.tests.escape", "1.0.0", "Escape",
};

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) { return &metadata; }

HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                hypermesh_error *out_error) {
    (void)out_error;
    escape *self = calloc(1, sizeof *self);
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
