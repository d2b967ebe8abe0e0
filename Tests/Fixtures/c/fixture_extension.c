/*
 * fixture_extension.c — one configurable C extension for the host's tests (success and failure paths).
 *
 * Build (ExtensionBuilder.buildC does this):
 *   clang -shared -fPIC -O1 -I Sources/CHyperMeshABI/include [-D...] fixture_extension.c -o libfixture.so
 *
 * Configuration macros (string values are C string literals, e.g. -DFIXTURE_ID='"org.x"'):
 *   FIXTURE_ID                  metadata id            (default "org.hypermesh.tests.fixture")
 *   FIXTURE_VERSION             metadata version       (default "1.0.0")
 *   FIXTURE_NAME                metadata name          (default "Fixture")
 *   FIXTURE_ABI                 metadata abi_version   (default HYPERMESH_ABI_VERSION)
 *   FIXTURE_EVENT_TOPIC         topic of `event`       (default "fixture.event")
 *   FIXTURE_HEALTH_STATUS       health status          (default "healthy")
 *   FIXTURE_OMIT_METADATA       defined: no hypermesh_extension_metadata symbol
 *   FIXTURE_OMIT_CREATE         defined: no hypermesh_extension_create symbol
 *   FIXTURE_OMIT_DESTROY        defined: no hypermesh_extension_destroy symbol
 *   FIXTURE_CREATE_RETURNS_NULL defined: create fails with INVALID_ARGUMENT "fixture refused to start"
 *   FIXTURE_ACTIVATE_FAILS      defined: activate fails with UNAVAILABLE "fixture refused to activate"
 *   FIXTURE_ACTIVATE_CRASHES    defined: activate writes through a NULL pointer (for isolated workers)
 *   FIXTURE_ACTIVATE_DELAY_MS   activate sleeps this many milliseconds first (a slow start)
 *   FIXTURE_HEALTH_FAILS        defined: health fails with UNAVAILABLE "fixture health failed"
 *   FIXTURE_HEALTH_CRASHES      defined: health writes through a NULL pointer (for isolated workers)
 *   FIXTURE_STATE_HANDOVER      defined: export_state / import_state hand the `count` counter over
 *                               (as decimal text) on hot reload
 *   FIXTURE_IMPORT_FAILS        defined (with FIXTURE_STATE_HANDOVER): import_state fails with
 *                               INVALID_ARGUMENT "fixture refused the state"
 *   FIXTURE_EXPORT_FAILS        defined (with FIXTURE_STATE_HANDOVER): export_state fails with
 *                               UNAVAILABLE "fixture cannot export"
 *
 * Methods (JSON in, JSON out):
 *   echo      returns the input bytes unchanged
 *   fail      fails with INVALID_ARGUMENT "fixture failure"
 *   put       {"key":K,"value":V} -> storage_put(K, V) -> {}
 *   get       {"key":K} -> the stored bytes of K (a host error, e.g. NOT_FOUND, is passed through)
 *   delete    {"key":K} -> storage_delete(K) -> {}
 *   list      {"prefix":P} -> the host's storage_list answer (a JSON array of keys)
 *   event     emits FIXTURE_EVENT_TOPIC with the input bytes as payload -> {}
 *   register  {"type":T} -> register_asset_type(T) -> {}
 *   log       {"message":M} -> host log at INFO -> {}
 *   count     adds one to the instance's in-memory counter and returns it ("1", "2", ...)
 *   anything else fails with UNKNOWN_METHOD.
 * Host errors are passed through unchanged (same code, same host-allocated message).
 *
 * Exported for tests: int fixture_live_instances(void) — instances created and not yet destroyed.
 */
#include "hypermesh_extension.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#ifndef FIXTURE_ID
#define FIXTURE_ID "org.hypermesh.tests.fixture"
#endif
#ifndef FIXTURE_VERSION
#define FIXTURE_VERSION "1.0.0"
#endif
#ifndef FIXTURE_NAME
#define FIXTURE_NAME "Fixture"
#endif
#ifndef FIXTURE_ABI
#define FIXTURE_ABI HYPERMESH_ABI_VERSION
#endif
#ifndef FIXTURE_EVENT_TOPIC
#define FIXTURE_EVENT_TOPIC "fixture.event"
#endif
#ifndef FIXTURE_HEALTH_STATUS
#define FIXTURE_HEALTH_STATUS "healthy"
#endif

/* The instance functions go unused when create is omitted or always fails. */
#define FIXTURE_MAYBE_UNUSED __attribute__((unused))

static atomic_int live_instances;

HYPERMESH_EXPORT int fixture_live_instances(void) { return atomic_load(&live_instances); }

typedef struct fixture {
    const hypermesh_host_api *host;
    hypermesh_context *context;
    atomic_long counter;
} fixture;

#include "hypermesh_json.h"

/* ---- replies ---- */

static hypermesh_status fail_with(const fixture *self, hypermesh_error *out_error, hypermesh_status code, const char *message) {
    if (out_error) {
        out_error->code = code;
        out_error->message = NULL;
        size_t n = strlen(message);
        char *copy = self->host->alloc(n + 1);
        if (copy) {
            memcpy(copy, message, n + 1);
            out_error->message = copy;
        }
    }
    return code;
}

static hypermesh_status reply(const fixture *self, hypermesh_bytes *out, hypermesh_error *out_error, const void *data, size_t len) {
    if (!out || len == 0) return HYPERMESH_OK;
    uint8_t *copy = self->host->alloc(len);
    if (!copy) return fail_with(self, out_error, HYPERMESH_ERR_INTERNAL, "host alloc failed");
    memcpy(copy, data, len);
    out->data = copy;
    out->len = len;
    return HYPERMESH_OK;
}

/* Hands a host error on to our caller: the message was allocated with host->alloc, so it moves. */
static hypermesh_status pass_through(hypermesh_status status, hypermesh_error *host_error, hypermesh_error *out_error, const fixture *self) {
    if (out_error) {
        out_error->code = status;
        out_error->message = host_error->message;
    } else if (host_error->message) {
        self->host->free(host_error->message);
    }
    return status;
}

static hypermesh_status required_field(const fixture *self, const uint8_t *input, size_t len, const char *field,
                                       char **out, size_t *out_len, hypermesh_error *out_error) {
    if (json_find_string(input, len, field, out, out_len) == 1) return HYPERMESH_OK;
    char message[128];
    strcpy(message, "input must be a JSON object with a string field \"");
    strncat(message, field, 40);
    strcat(message, "\"");
    return fail_with(self, out_error, HYPERMESH_ERR_INVALID_ARGUMENT, message);
}

/* ---- the extension ---- */

FIXTURE_MAYBE_UNUSED static hypermesh_status fixture_handle(void *instance, const char *method, size_t method_len, const uint8_t *input,
                                       size_t input_len, hypermesh_bytes *out_output, hypermesh_error *out_error) {
    fixture *self = instance;
    const hypermesh_host_api *host = self->host;
    hypermesh_error host_error = {HYPERMESH_OK, NULL};
    hypermesh_status status;
    char *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
#define IS(name) (method_len == sizeof(name) - 1 && memcmp(method, name, method_len) == 0)
    if (IS("echo")) return reply(self, out_output, out_error, input, input_len);
    if (IS("version")) return reply(self, out_output, out_error, FIXTURE_VERSION, strlen(FIXTURE_VERSION));
    if (IS("count")) {
        char text[32];
        int length = snprintf(text, sizeof text, "%ld", atomic_fetch_add(&self->counter, 1) + 1);
        return reply(self, out_output, out_error, text, (size_t)length);
    }
    if (IS("fail")) return fail_with(self, out_error, HYPERMESH_ERR_INVALID_ARGUMENT, "fixture failure");
    if (IS("block")) {
        /* Holds the calling thread for the number of milliseconds in the input, as a slow call would. */
        char text[16] = {0};
        memcpy(text, input, input_len < sizeof text - 1 ? input_len : sizeof text - 1);
        long milliseconds = strtol(text, NULL, 10);
        struct timespec pause = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
        while (thrd_sleep(&pause, &pause) == -1) {}
        return reply(self, out_output, out_error, "{}", 2);
    }
    if (IS("put")) {
        if ((status = required_field(self, input, input_len, "key", &a, &a_len, out_error)) != HYPERMESH_OK) return status;
        if ((status = required_field(self, input, input_len, "value", &b, &b_len, out_error)) != HYPERMESH_OK) { free(a); return status; }
        status = host->storage_put(self->context, a, a_len, (const uint8_t *)b, b_len, &host_error);
        free(a);
        free(b);
        if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
        return reply(self, out_output, out_error, "{}", 2);
    }
    if (IS("get")) {
        if ((status = required_field(self, input, input_len, "key", &a, &a_len, out_error)) != HYPERMESH_OK) return status;
        hypermesh_bytes value = {NULL, 0};
        status = host->storage_get(self->context, a, a_len, &value, &host_error);
        free(a);
        if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
        if (out_output) *out_output = value; /* host-allocated: ownership moves to our caller */
        else host->free(value.data);
        return HYPERMESH_OK;
    }
    if (IS("delete")) {
        if ((status = required_field(self, input, input_len, "key", &a, &a_len, out_error)) != HYPERMESH_OK) return status;
        status = host->storage_delete(self->context, a, a_len, &host_error);
        free(a);
        if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
        return reply(self, out_output, out_error, "{}", 2);
    }
    if (IS("list")) {
        if ((status = required_field(self, input, input_len, "prefix", &a, &a_len, out_error)) != HYPERMESH_OK) return status;
        hypermesh_bytes keys = {NULL, 0};
        status = host->storage_list(self->context, a, a_len, &keys, &host_error);
        free(a);
        if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
        if (out_output) *out_output = keys;
        else host->free(keys.data);
        return HYPERMESH_OK;
    }
    if (IS("event")) {
        status = host->emit_event(self->context, FIXTURE_EVENT_TOPIC, strlen(FIXTURE_EVENT_TOPIC), input, input_len, &host_error);
        if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
        return reply(self, out_output, out_error, "{}", 2);
    }
    if (IS("register")) {
        if ((status = required_field(self, input, input_len, "type", &a, &a_len, out_error)) != HYPERMESH_OK) return status;
        status = host->register_asset_type(self->context, a, a_len, &host_error);
        free(a);
        if (status != HYPERMESH_OK) return pass_through(status, &host_error, out_error, self);
        return reply(self, out_output, out_error, "{}", 2);
    }
    if (IS("log")) {
        if ((status = required_field(self, input, input_len, "message", &a, &a_len, out_error)) != HYPERMESH_OK) return status;
        host->log(self->context, HYPERMESH_LOG_INFO, a, a_len);
        free(a);
        return reply(self, out_output, out_error, "{}", 2);
    }
#undef IS
    return fail_with(self, out_error, HYPERMESH_ERR_UNKNOWN_METHOD, "unknown method; the fixture knows echo, version, count, block, fail, put, get, delete, list, event, register, log");
}

FIXTURE_MAYBE_UNUSED static hypermesh_status fixture_activate(void *instance, hypermesh_error *out_error) {
#ifdef FIXTURE_ACTIVATE_DELAY_MS
    /* Sleeps the whole delay: a signal (SIGCHLD in a test process) cuts one sleep short. */
    struct timespec left = {.tv_sec = (FIXTURE_ACTIVATE_DELAY_MS) / 1000, .tv_nsec = (long)((FIXTURE_ACTIVATE_DELAY_MS) % 1000) * 1000000L};
    while (thrd_sleep(&left, &left) == -1) {}
#endif
#if defined(FIXTURE_ACTIVATE_FAILS)
    return fail_with(instance, out_error, HYPERMESH_ERR_UNAVAILABLE, "fixture refused to activate");
#elif defined(FIXTURE_ACTIVATE_CRASHES)
    (void)instance;
    (void)out_error;
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return HYPERMESH_ERR_INTERNAL;
#else
    (void)instance;
    (void)out_error;
    return HYPERMESH_OK;
#endif
}

FIXTURE_MAYBE_UNUSED static hypermesh_status fixture_deactivate(void *instance, hypermesh_error *out_error) {
    (void)instance;
    (void)out_error;
    return HYPERMESH_OK;
}

FIXTURE_MAYBE_UNUSED static hypermesh_status fixture_health(void *instance, hypermesh_bytes *out_report, hypermesh_error *out_error) {
#if defined(FIXTURE_HEALTH_FAILS)
    (void)out_report;
    return fail_with(instance, out_error, HYPERMESH_ERR_UNAVAILABLE, "fixture health failed");
#elif defined(FIXTURE_HEALTH_CRASHES)
    (void)out_report;
    (void)out_error;
    (void)instance;
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return HYPERMESH_ERR_INTERNAL;
#endif
    static const char report[] = "{\"status\":\"" FIXTURE_HEALTH_STATUS "\",\"detail\":\"fixture\"}";
    return reply(instance, out_report, out_error, report, sizeof(report) - 1);
}

#ifdef FIXTURE_STATE_HANDOVER
static hypermesh_status fixture_export_state(void *instance, hypermesh_bytes *out_state, hypermesh_error *out_error) {
    fixture *self = instance;
#ifdef FIXTURE_EXPORT_FAILS
    (void)out_state;
    return fail_with(self, out_error, HYPERMESH_ERR_UNAVAILABLE, "fixture cannot export");
#else
    char text[32];
    int length = snprintf(text, sizeof text, "%ld", atomic_load(&self->counter));
    return reply(self, out_state, out_error, text, (size_t)length);
#endif
}

static hypermesh_status fixture_import_state(void *instance, const uint8_t *state, size_t state_len, hypermesh_error *out_error) {
    fixture *self = instance;
#ifdef FIXTURE_IMPORT_FAILS
    (void)state;
    (void)state_len;
    return fail_with(self, out_error, HYPERMESH_ERR_INVALID_ARGUMENT, "fixture refused the state");
#else
    char text[32];
    if (state_len == 0 || state_len >= sizeof text) return fail_with(self, out_error, HYPERMESH_ERR_INVALID_ARGUMENT, "bad state");
    memcpy(text, state, state_len);
    text[state_len] = 0;
    atomic_store(&self->counter, strtol(text, NULL, 10));
    return HYPERMESH_OK;
#endif
}
#endif

#ifndef FIXTURE_OMIT_METADATA
HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) {
    static const hypermesh_extension_metadata_t metadata = {
        sizeof(hypermesh_extension_metadata_t), FIXTURE_ABI, FIXTURE_ID, FIXTURE_VERSION, FIXTURE_NAME,
    };
    return &metadata;
}
#endif

#ifndef FIXTURE_OMIT_CREATE
HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                hypermesh_error *out_error) {
#ifdef FIXTURE_CREATE_RETURNS_NULL
    (void)context;
    if (out_error && host && host->alloc) {
        static const char message[] = "fixture refused to start";
        out_error->code = HYPERMESH_ERR_INVALID_ARGUMENT;
        out_error->message = host->alloc(sizeof(message));
        if (out_error->message) memcpy(out_error->message, message, sizeof(message));
    }
    return NULL;
#else
    if (!host || !host->alloc || !host->free) {
        if (out_error) { out_error->code = HYPERMESH_ERR_INVALID_ARGUMENT; out_error->message = NULL; }
        return NULL;
    }
    fixture *self = calloc(1, sizeof(fixture));
    hypermesh_extension *extension = calloc(1, sizeof(hypermesh_extension));
    if (!self || !extension) {
        free(self);
        free(extension);
        if (out_error) { out_error->code = HYPERMESH_ERR_INTERNAL; out_error->message = NULL; }
        return NULL;
    }
    self->host = host;
    self->context = context;
    extension->struct_size = sizeof(hypermesh_extension);
    extension->instance = self;
    extension->handle = fixture_handle;
    extension->activate = fixture_activate;
    extension->deactivate = fixture_deactivate;
    extension->health = fixture_health;
#ifdef FIXTURE_STATE_HANDOVER
    extension->export_state = fixture_export_state;
    extension->import_state = fixture_import_state;
#endif
    atomic_fetch_add(&live_instances, 1);
    return extension;
#endif
}
#endif

#ifndef FIXTURE_OMIT_DESTROY
HYPERMESH_EXPORT void hypermesh_extension_destroy(hypermesh_extension *extension) {
    if (!extension) return;
    free(extension->instance);
    free(extension);
    atomic_fetch_sub(&live_instances, 1);
}
#endif
