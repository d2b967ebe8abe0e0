/*
 * app_extension.c — a native C extension that calls the embedding application's functions through
 * host->app_call (the app-function tests run it in-process and isolated).
 *
 * Metadata: id APP_ID, version "1.0.0" (define APP_ID as a C string; default
 * "org.tests.app-caller").
 *
 * Methods (raw bytes in and out):
 *   call        input "name\npayload": app_call(name, payload); returns its output, or its status
 *               with the host's message
 *   flood       input "name\nN": calls app_call(name, "x") N times; returns {"ok":K,"last":S}
 *               (K calls answered OK, S the status of the last one)
 *   has_app_call  "yes" if the host table has app_call (hypermesh_host_has_app_call), else "no"
 */
#include "hypermesh_extension.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef APP_ID
#define APP_ID "org.tests.app-caller"
#endif

typedef struct caller {
    const hypermesh_host_api *host;
    hypermesh_context *context;
} caller;

static hypermesh_status reply(const caller *self, hypermesh_bytes *out, const void *data, size_t len) {
    out->data = self->host->alloc(len ? len : 1);
    if (!out->data) return HYPERMESH_ERR_INTERNAL;
    memcpy(out->data, data, len);
    out->len = len;
    return HYPERMESH_OK;
}

static int is(const char *method, size_t len, const char *name) {
    return strlen(name) == len && memcmp(method, name, len) == 0;
}

/* Splits "name\nrest" into the name and the rest (the rest empty without a newline). */
static void split(const uint8_t *input, size_t input_len, size_t *name_len, const uint8_t **rest, size_t *rest_len) {
    const uint8_t *newline = memchr(input, '\n', input_len);
    *name_len = newline ? (size_t)(newline - input) : input_len;
    *rest = newline ? newline + 1 : input + input_len;
    *rest_len = newline ? input_len - *name_len - 1 : 0;
}

static hypermesh_status handle(void *instance, const char *method, size_t method_len, const uint8_t *input, size_t input_len,
                               hypermesh_bytes *out, hypermesh_error *out_error) {
    caller *self = instance;
    if (is(method, method_len, "has_app_call")) {
        const char *answer = hypermesh_host_has_app_call(self->host) ? "yes" : "no";
        return reply(self, out, answer, strlen(answer));
    }
    if (!hypermesh_host_has_app_call(self->host)) return HYPERMESH_ERR_UNAVAILABLE;
    size_t name_len, rest_len;
    const uint8_t *rest;
    split(input, input_len, &name_len, &rest, &rest_len);
    if (is(method, method_len, "call")) {
        return self->host->app_call(self->context, (const char *)input, name_len, rest, rest_len, out, out_error);
    }
    if (is(method, method_len, "flood")) {
        char count_text[32] = {0};
        memcpy(count_text, rest, rest_len < sizeof count_text - 1 ? rest_len : sizeof count_text - 1);
        long count = strtol(count_text, NULL, 10);
        long ok = 0;
        hypermesh_status last = HYPERMESH_OK;
        for (long i = 0; i < count; i++) {
            hypermesh_bytes output = {0};
            hypermesh_error error = {0};
            last = self->host->app_call(self->context, (const char *)input, name_len, (const uint8_t *)"x", 1, &output, &error);
            if (last == HYPERMESH_OK) ok++;
            self->host->free(output.data);
            self->host->free(error.message);
        }
        char text[64];
        int len = snprintf(text, sizeof text, "{\"ok\":%ld,\"last\":%d}", ok, (int)last);
        return reply(self, out, text, (size_t)len);
    }
    return HYPERMESH_ERR_UNKNOWN_METHOD;
}

static const hypermesh_extension_metadata_t metadata = {
    sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, APP_ID, "1.0.0", "App caller",
};

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) { return &metadata; }

HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                hypermesh_error *out_error) {
    (void)out_error;
    caller *self = calloc(1, sizeof *self);
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
