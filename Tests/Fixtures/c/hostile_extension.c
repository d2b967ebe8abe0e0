/*
 * hostile_extension.c — an extension that tries what it should not, for the security tests.
 * Every method is one attempt through the host API; host refusals are passed through unchanged
 * (same status, same host-allocated message), so a test sees exactly what the host answered.
 *
 * Build: clang -shared -fPIC -I Sources/CHyperMeshABI/include -I Examples/c-kit
 *        -DHOSTILE_ID='"org.x"' hostile_extension.c -o libhostile.so
 *
 * Methods (input -> output):
 *   echo        the input bytes                    -> the same bytes
 *   put         {"key":K,"value":V}                -> storage_put -> {}
 *   apply       a storage batch (JSON array)       -> storage_apply -> {}
 *   file_read   a path (raw text)                  -> file_read -> the file's bytes
 *   file_write  {"path":P,"data":D}                -> file_write -> {}
 *   file_list   a path (raw text, may be empty)    -> file_list -> the JSON listing
 *   http        a request (JSON)                   -> http_request -> the response JSON
 *   consensus   {"kind":K,"payload":P}             -> consensus_submit -> the decision JSON
 *   flood       a count N (decimal text)           -> N storage_get calls -> {"ok":A,"refused":B,"last":S}
 *   spin        milliseconds M (decimal text)      -> burns M ms of thread CPU time -> {}
 *   deny_loop   -                                  -> storage_put until the host answers UNAVAILABLE;
 *               after each refusal has returned, writes "refused N\n" to standard output
 *               -> {"refused":N}
 */
#define _POSIX_C_SOURCE 200809L
#include "hypermesh_extension.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef HOSTILE_ID
#define HOSTILE_ID "org.hypermesh.tests.hostile"
#endif
#ifndef HOSTILE_VERSION
#define HOSTILE_VERSION "1.0.0"
#endif

typedef struct hostile {
    const hypermesh_host_api *host;
    hypermesh_context *context;
} hostile;

#include "hypermesh_json.h"

static hypermesh_status fail_with(const hostile *self, hypermesh_error *out_error, hypermesh_status code, const char *message) {
    if (out_error) {
        size_t n = strlen(message);
        char *copy = self->host->alloc(n + 1);
        if (copy) memcpy(copy, message, n + 1);
        out_error->code = code;
        out_error->message = copy;
    }
    return code;
}

static hypermesh_status reply(const hostile *self, hypermesh_bytes *out, hypermesh_error *out_error, const void *data, size_t len) {
    if (!out || len == 0) return HYPERMESH_OK;
    uint8_t *copy = self->host->alloc(len);
    if (!copy) return fail_with(self, out_error, HYPERMESH_ERR_INTERNAL, "host alloc failed");
    memcpy(copy, data, len);
    out->data = copy;
    out->len = len;
    return HYPERMESH_OK;
}

/* Hands the host's answer on: a refusal with its message, or the host-filled output. */
static hypermesh_status forward(const hostile *self, hypermesh_status status, hypermesh_error *host_error,
                                hypermesh_bytes *filled, hypermesh_bytes *out, hypermesh_error *out_error) {
    if (status != HYPERMESH_OK) {
        if (out_error) {
            out_error->code = status;
            out_error->message = host_error->message;
        } else {
            self->host->free(host_error->message);
        }
        return status;
    }
    if (filled) {
        if (out) *out = *filled;
        else self->host->free(filled->data);
        return HYPERMESH_OK;
    }
    return reply(self, out, out_error, "{}", 2);
}

static long decimal(const uint8_t *input, size_t len) {
    char text[32] = {0};
    memcpy(text, input, len < sizeof(text) - 1 ? len : sizeof(text) - 1);
    return strtol(text, NULL, 10);
}

static double thread_cpu_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static hypermesh_status hostile_handle(void *instance, const char *method, size_t method_len, const uint8_t *input,
                                       size_t input_len, hypermesh_bytes *out, hypermesh_error *out_error) {
    hostile *self = instance;
    const hypermesh_host_api *host = self->host;
    hypermesh_error host_error = {HYPERMESH_OK, NULL};
    hypermesh_bytes filled = {NULL, 0};
    hypermesh_status status;
    char *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
#define IS(name) (method_len == sizeof(name) - 1 && memcmp(method, name, method_len) == 0)
#define NEED(field, value, length) \
    if (json_find_string(input, input_len, field, &value, &length) != 1) \
        return fail_with(self, out_error, HYPERMESH_ERR_INVALID_ARGUMENT, "missing string field " field)
    if (IS("echo")) return reply(self, out, out_error, input, input_len);
    if (IS("put")) {
        NEED("key", a, a_len);
        NEED("value", b, b_len);
        status = host->storage_put(self->context, a, a_len, (const uint8_t *)b, b_len, &host_error);
        free(a);
        free(b);
        return forward(self, status, &host_error, NULL, out, out_error);
    }
    if (IS("apply")) {
        status = host->storage_apply(self->context, input, input_len, &host_error);
        return forward(self, status, &host_error, NULL, out, out_error);
    }
    if (IS("file_read")) {
        status = host->file_read(self->context, (const char *)input, input_len, &filled, &host_error);
        return forward(self, status, &host_error, &filled, out, out_error);
    }
    if (IS("file_write")) {
        NEED("path", a, a_len);
        NEED("data", b, b_len);
        status = host->file_write(self->context, a, a_len, (const uint8_t *)b, b_len, &host_error);
        free(a);
        free(b);
        return forward(self, status, &host_error, NULL, out, out_error);
    }
    if (IS("file_list")) {
        status = host->file_list(self->context, (const char *)input, input_len, &filled, &host_error);
        return forward(self, status, &host_error, &filled, out, out_error);
    }
    if (IS("http")) {
        status = host->http_request(self->context, input, input_len, &filled, &host_error);
        return forward(self, status, &host_error, &filled, out, out_error);
    }
    if (IS("consensus")) {
        NEED("kind", a, a_len);
        NEED("payload", b, b_len);
        status = host->consensus_submit(self->context, a, a_len, (const uint8_t *)b, b_len, &filled, &host_error);
        free(a);
        free(b);
        return forward(self, status, &host_error, &filled, out, out_error);
    }
    if (IS("flood")) {
        long count = decimal(input, input_len), ok = 0, refused = 0;
        hypermesh_status last = HYPERMESH_OK;
        for (long i = 0; i < count; i++) {
            hypermesh_bytes value = {NULL, 0};
            hypermesh_error error = {HYPERMESH_OK, NULL};
            last = host->storage_get(self->context, "k", 1, &value, &error);
            host->free(value.data);
            host->free(error.message);
            if (last == HYPERMESH_OK || last == HYPERMESH_ERR_NOT_FOUND) ok++;
            else refused++;
        }
        char text[96];
        int n = snprintf(text, sizeof(text), "{\"ok\":%ld,\"refused\":%ld,\"last\":%d}", ok, refused, (int)last);
        return reply(self, out, out_error, text, (size_t)n);
    }
    if (IS("spin")) {
        double until = thread_cpu_ms() + (double)decimal(input, input_len);
        volatile unsigned long sink = 0;
        while (thread_cpu_ms() < until) {
            for (int i = 0; i < 10000; i++) sink += (unsigned long)i * 2654435761u;
        }
        return reply(self, out, out_error, "{}", 2);
    }
    if (IS("deny_loop")) {
        long refused = 0;
        for (;;) {
            hypermesh_error error = {HYPERMESH_OK, NULL};
            status = host->storage_put(self->context, "k", 1, (const uint8_t *)"v", 1, &error);
            host->free(error.message);
            if (status == HYPERMESH_OK || status == HYPERMESH_ERR_UNAVAILABLE) break;
            refused++;
            char line[48];
            int n = snprintf(line, sizeof(line), "refused %ld\n", refused);
            if (write(1, line, (size_t)n) < 0) break;
        }
        char text[48];
        int n = snprintf(text, sizeof(text), "{\"refused\":%ld}", refused);
        return reply(self, out, out_error, text, (size_t)n);
    }
#undef NEED
#undef IS
    return fail_with(self, out_error, HYPERMESH_ERR_UNKNOWN_METHOD, "unknown method");
}

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) {
    static const hypermesh_extension_metadata_t metadata = {
        sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, HOSTILE_ID, HOSTILE_VERSION, "Hostile",
    };
    return &metadata;
}

HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                hypermesh_error *out_error) {
    (void)out_error;
    hostile *self = calloc(1, sizeof(hostile));
    hypermesh_extension *extension = calloc(1, sizeof(hypermesh_extension));
    if (!self || !extension) {
        free(self);
        free(extension);
        return NULL;
    }
    self->host = host;
    self->context = context;
    extension->struct_size = sizeof(hypermesh_extension);
    extension->instance = self;
    extension->handle = hostile_handle;
    return extension;
}

HYPERMESH_EXPORT void hypermesh_extension_destroy(hypermesh_extension *extension) {
    if (!extension) return;
    free(extension->instance);
    free(extension);
}
