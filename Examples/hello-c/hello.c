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

/* ---- minimal JSON reading: a top-level string field of an object ---- */

typedef struct json_cursor {
    const char *p;
    const char *end;
} json_cursor;

static void json_space(json_cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static int json_hex4(const char *p, unsigned *value) {
    *value = 0;
    for (int i = 0; i < 4; i++) {
        char h = p[i];
        *value <<= 4;
        if (h >= '0' && h <= '9') *value |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f') *value |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') *value |= (unsigned)(h - 'A' + 10);
        else return -1;
    }
    return 0;
}

static size_t utf8_put(char *out, unsigned cp) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}

/* Reads a JSON string at c->p. If out is not NULL, stores a malloc'ed NUL-terminated decoding. 0 = ok. */
static int json_string(json_cursor *c, char **out, size_t *out_len) {
    if (c->p >= c->end || *c->p != '"') return -1;
    c->p++;
    char *buffer = NULL;
    size_t n = 0;
    if (out) {
        buffer = malloc((size_t)(c->end - c->p) + 1);
        if (!buffer) return -1;
    }
    while (c->p < c->end && *c->p != '"') {
        unsigned char ch = (unsigned char)*c->p;
        if (ch < 0x20) goto bad;
        if (ch != '\\') {
            if (buffer) buffer[n] = (char)ch;
            n++;
            c->p++;
            continue;
        }
        if (c->end - c->p < 2) goto bad;
        char e = c->p[1];
        c->p += 2;
        char plain = 0;
        switch (e) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
            unsigned cp;
            if (c->end - c->p < 4 || json_hex4(c->p, &cp) != 0) goto bad;
            c->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned low;
                if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' || json_hex4(c->p + 2, &low) != 0
                    || low < 0xDC00 || low > 0xDFFF) goto bad;
                c->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto bad;
            }
            char tmp[4];
            size_t k = utf8_put(tmp, cp);
            if (buffer) memcpy(buffer + n, tmp, k);
            n += k;
            continue;
        }
        default: goto bad;
        }
        if (buffer) buffer[n] = plain;
        n++;
    }
    if (c->p >= c->end) goto bad;
    c->p++;
    if (out) {
        buffer[n] = 0;
        *out = buffer;
        if (out_len) *out_len = n;
    }
    return 0;
bad:
    free(buffer);
    return -1;
}

static int json_skip(json_cursor *c, int depth) {
    if (depth > 64) return -1;
    json_space(c);
    if (c->p >= c->end) return -1;
    char ch = *c->p;
    if (ch == '"') return json_string(c, NULL, NULL);
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->p++;
        json_space(c);
        if (c->p < c->end && *c->p == close) { c->p++; return 0; }
        for (;;) {
            if (ch == '{') {
                json_space(c);
                if (json_string(c, NULL, NULL) != 0) return -1;
                json_space(c);
                if (c->p >= c->end || *c->p != ':') return -1;
                c->p++;
            }
            if (json_skip(c, depth + 1) != 0) return -1;
            json_space(c);
            if (c->p < c->end && *c->p == ',') { c->p++; continue; }
            if (c->p < c->end && *c->p == close) { c->p++; return 0; }
            return -1;
        }
    }
    const char *start = c->p;
    static const char *const literals[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t k = strlen(literals[i]);
        if ((size_t)(c->end - c->p) >= k && memcmp(c->p, literals[i], k) == 0) { c->p += k; return 0; }
    }
    while (c->p < c->end && strchr("+-0123456789.eE", *c->p) != NULL) c->p++;
    return c->p > start ? 0 : -1;
}

/* 1 = found (*out malloc'ed, NUL-terminated), 0 = absent or not a string, -1 = not a JSON object. */
static int json_find_string(const uint8_t *input, size_t len, const char *field, char **out, size_t *out_len) {
    json_cursor c = {(const char *)input, (const char *)input + len};
    int found = 0;
    json_space(&c);
    if (c.p >= c.end || *c.p != '{') return -1;
    c.p++;
    json_space(&c);
    if (c.p < c.end && *c.p == '}') { c.p++; goto tail; }
    for (;;) {
        char *key = NULL;
        json_space(&c);
        if (json_string(&c, &key, NULL) != 0) goto fail;
        json_space(&c);
        if (c.p >= c.end || *c.p != ':') { free(key); goto fail; }
        c.p++;
        json_space(&c);
        if (!found && strcmp(key, field) == 0 && c.p < c.end && *c.p == '"') {
            if (json_string(&c, out, out_len) != 0) { free(key); goto fail; }
            found = 1;
        } else if (json_skip(&c, 1) != 0) {
            free(key);
            goto fail;
        }
        free(key);
        json_space(&c);
        if (c.p < c.end && *c.p == ',') { c.p++; continue; }
        if (c.p < c.end && *c.p == '}') { c.p++; break; }
        goto fail;
    }
tail:
    json_space(&c);
    if (c.p != c.end) goto fail;
    return found;
fail:
    if (found) { free(*out); *out = NULL; }
    return -1;
}

/* ---- minimal JSON writing ---- */

/* Writes `s` JSON-escaped (without quotes) into dst, or only measures when dst is NULL. */
static size_t json_escape(const char *s, size_t n, char *dst) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char escaped[7] = {0};
        if (ch == '"' || ch == '\\') { escaped[0] = '\\'; escaped[1] = (char)ch; }
        else if (ch < 0x20) snprintf(escaped, sizeof escaped, "\\u%04x", ch);
        else escaped[0] = (char)ch;
        size_t m = strlen(escaped);
        if (dst) memcpy(dst + k, escaped, m);
        k += m;
    }
    return k;
}

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
    return fail_with(self, out_error, HYPERMESH_ERR_UNKNOWN_METHOD, "unknown method; known methods: count, greet");
}

/* ---- the three entry points ---- */

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) {
    static const hypermesh_extension_metadata_t metadata = {
        sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, "org.hypermesh.examples.hello", "1.0.0", "Hello (C)",
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
