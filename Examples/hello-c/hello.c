/*
 * hello.c — a minimal HyperMesh extension in C (org.hypermesh.examples.hello).
 *
 * Methods (JSON in, JSON out):
 *   greet  {"name":"x"} -> {"greeting":"hello, x"}
 *   count  increments a counter kept in the host's storage (key "count") -> {"count":N}
 *
 * Build: see README.md in this folder (one clang line, or `make`).
 *
 * Ownership, as the header says: everything handed to us is borrowed for the call; every buffer we
 * hand back (output, error messages) comes from host->alloc; every buffer the host hands us
 * (storage_get values, error messages) is released with host->free.
 */
#include "hypermesh_extension.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hello {
    const hypermesh_host_api *host;
    hypermesh_context *context;
} hello;

#include "hypermesh_json.h"

/* ---- replies ---- */

static hypermesh_status fail_with(const hello *self, hypermesh_error *out_error, hypermesh_status code, const char *message) {
    if (out_error) {
        size_t n = strlen(message);
        out_error->code = code;
        out_error->message = self->host->alloc(n + 1);
        if (out_error->message) memcpy(out_error->message, message, n + 1);
    }
    return code;
}

/* Moves a host error on to our caller (its message was allocated with host->alloc). */
static hypermesh_status pass_through(hypermesh_status status, hypermesh_error *host_error, hypermesh_error *out_error,
                                     const hello *self) {
    if (out_error) {
        out_error->code = status;
        out_error->message = host_error->message;
    } else if (host_error->message) {
        self->host->free(host_error->message);
    }
    return status;
}

static hypermesh_status greet(hello *self, const uint8_t *input, size_t input_len, hypermesh_bytes *out,
                              hypermesh_error *out_error) {
    char *name = NULL;
    size_t name_len = 0;
    if (json_find_string(input, input_len, "name", &name, &name_len) != 1)
        return fail_with(self, out_error, HYPERMESH_ERR_INVALID_ARGUMENT, "greet expects {\"name\": \"...\"}");
    static const char head[] = "{\"greeting\":\"hello, ";
    static const char tail[] = "\"}";
    size_t len = sizeof head - 1 + json_escape(name, name_len, NULL) + sizeof tail - 1;
    char *text = self->host->alloc(len);
    if (!text) {
        free(name);
        return fail_with(self, out_error, HYPERMESH_ERR_INTERNAL, "out of memory");
    }
    size_t k = sizeof head - 1;
    memcpy(text, head, k);
    k += json_escape(name, name_len, text + k);
    memcpy(text + k, tail, sizeof tail - 1);
    free(name);
    out->data = (uint8_t *)text;
    out->len = len;
    return HYPERMESH_OK;
}

/* Calls the embedding app's own function `notify` (capability app:notify, which the manifest
 * must declare and the policy grant) with the input; its answer becomes ours. */
static hypermesh_status notify(hello *self, const uint8_t *input, size_t input_len, hypermesh_bytes *out,
                               hypermesh_error *out_error) {
    const hypermesh_host_api *host = self->host;
    if (!hypermesh_host_has_app_call(host)) {
        return fail_with(self, out_error, HYPERMESH_ERR_UNAVAILABLE, "this host offers no app functions");
    }
    hypermesh_error host_error = {HYPERMESH_OK, NULL};
    hypermesh_status status = host->app_call(self->context, "notify", 6, input, input_len, out, &host_error);
    if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
    return HYPERMESH_OK;
}

static hypermesh_status count(hello *self, hypermesh_bytes *out, hypermesh_error *out_error) {
    const hypermesh_host_api *host = self->host;
    hypermesh_error host_error = {HYPERMESH_OK, NULL};
    hypermesh_bytes stored = {NULL, 0};
    unsigned long long n = 0;
    hypermesh_status status = host->storage_get(self->context, "count", 5, &stored, &host_error);
    if (status == HYPERMESH_OK) {
        char digits[32] = {0};
        memcpy(digits, stored.data, stored.len < sizeof digits - 1 ? stored.len : sizeof digits - 1);
        n = strtoull(digits, NULL, 10);
        host->free(stored.data);
    } else if (status == HYPERMESH_ERR_NOT_FOUND) {
        if (host_error.message) host->free(host_error.message); /* no counter yet: start at 0 */
    } else {
        return pass_through(status, &host_error, out_error, self);
    }
    n += 1;
    char text[48];
    int len = snprintf(text, sizeof text, "%llu", n);
    host_error = (hypermesh_error){HYPERMESH_OK, NULL};
    status = host->storage_put(self->context, "count", 5, (const uint8_t *)text, (size_t)len, &host_error);
    if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
    len = snprintf(text, sizeof text, "{\"count\":%llu}", n);
    out->data = host->alloc((size_t)len);
    if (!out->data) return fail_with(self, out_error, HYPERMESH_ERR_INTERNAL, "out of memory");
    memcpy(out->data, text, (size_t)len);
    out->len = (size_t)len;
    return HYPERMESH_OK;
}

static hypermesh_status hello_handle(void *instance, const char *method, size_t method_len, const uint8_t *input,
                                     size_t input_len, hypermesh_bytes *out, hypermesh_error *out_error) {
    hello *self = instance;
    if (method_len == 5 && memcmp(method, "greet", 5) == 0) return greet(self, input, input_len, out, out_error);
    if (method_len == 5 && memcmp(method, "count", 5) == 0) return count(self, out, out_error);
    if (method_len == 6 && memcmp(method, "notify", 6) == 0) return notify(self, input, input_len, out, out_error);
    return fail_with(self, out_error, HYPERMESH_ERR_UNKNOWN_METHOD, "unknown method; known methods: count, greet, notify");
}

/* ---- the three entry points ---- */

/* The id the library reports; a build may give another (e.g. -DHELLO_ID='"org.example.hello.copy"')
 * to stage a second copy beside the first, as the embedding example does. It must equal the manifest's id. */
#ifndef HELLO_ID
#define HELLO_ID "org.hypermesh.examples.hello"
#endif

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) {
    static const hypermesh_extension_metadata_t metadata = {
        sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, HELLO_ID, "1.0.0", "Hello (C)",
    };
    return &metadata;
}

HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                hypermesh_error *out_error) {
    hello *self = calloc(1, sizeof *self);
    hypermesh_extension *extension = calloc(1, sizeof *extension);
    if (!self || !extension) {
        free(self);
        free(extension);
        if (out_error) { out_error->code = HYPERMESH_ERR_INTERNAL; out_error->message = NULL; }
        return NULL;
    }
    self->host = host;
    self->context = context;
    extension->struct_size = sizeof *extension;
    extension->instance = self;
    extension->handle = hello_handle; /* activate, deactivate and health are optional: left NULL */
    return extension;
}

HYPERMESH_EXPORT void hypermesh_extension_destroy(hypermesh_extension *extension) {
    if (!extension) return;
    free(extension->instance);
    free(extension);
}
