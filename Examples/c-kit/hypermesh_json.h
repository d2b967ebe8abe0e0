/*
 * hypermesh_json.h — a tiny, dependency-free JSON helper for C extensions (header only).
 *
 * Enough for request/response payloads: find a top-level string field of a JSON object
 * (json_find_string, with full escape decoding) and escape a string for output (json_escape).
 * It is not a general JSON parser; bring your own for anything richer.
 *
 * Every function is `static`, so including this header in an extension adds no exported
 * symbols (extensions export only the three HyperMesh entry points).
 * Strings returned through `out` are malloc'ed; free them with free(). It also compiles freestanding,
 * for WebAssembly guests built with Examples/wasm-kit (which provides malloc and the string functions).
 */
#ifndef HYPERMESH_JSON_H
#define HYPERMESH_JSON_H

#include <stddef.h>
#include <stdint.h>
#if __STDC_HOSTED__
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#else
/* Freestanding (a WebAssembly guest): Examples/wasm-kit/hypermesh_guest.c defines these. */
void *malloc(size_t len);
void free(void *ptr);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strchr(const char *s, int c);
#endif

/* ---- minimal JSON reading: a top-level string field of an object ---- */

typedef struct json_cursor {
    const char *p;
    const char *end;
} json_cursor;

static inline void json_space(json_cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static inline int json_hex4(const char *p, unsigned *value) {
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

static inline size_t utf8_put(char *out, unsigned cp) {
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
static inline int json_string(json_cursor *c, char **out, size_t *out_len) {
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

static inline int json_skip(json_cursor *c, int depth) {
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
static inline int json_find_string(const uint8_t *input, size_t len, const char *field, char **out, size_t *out_len) {
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
static inline size_t json_escape(const char *s, size_t n, char *dst) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char escaped[7] = {0};
        if (ch == '"' || ch == '\\') { escaped[0] = '\\'; escaped[1] = (char)ch; }
        else if (ch < 0x20) {
            static const char hex[] = "0123456789abcdef";
            memcpy(escaped, "\\u00", 4);
            escaped[4] = hex[ch >> 4];
            escaped[5] = hex[ch & 15];
        }
        else escaped[0] = (char)ch;
        size_t m = strlen(escaped);
        if (dst) memcpy(dst + k, escaped, m);
        k += m;
    }
    return k;
}

#endif /* HYPERMESH_JSON_H */
