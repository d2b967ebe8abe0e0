/*
 * hello.c — the hello example as a WebAssembly guest in C (org.hypermesh.examples.hello.wasm).
 *
 * Methods (the answers of Examples/hello-c where it has the method):
 *   echo   output = input, byte for byte
 *   noop   no output
 *   greet  {"name":"x"} -> {"greeting":"hello, x"}
 *   count  increments a counter kept in the host's storage (key "count") -> {"count":N}
 *
 * Build: Examples/wasm-build.sh, or the two commands in README.md.
 */
#include "hypermesh_guest.h"
#include "hypermesh_json.h"

static hm_status greet(const uint8_t *input, size_t input_len) {
    char *name = NULL;
    size_t name_len = 0;
    if (json_find_string(input, input_len, "name", &name, &name_len) != 1)
        return hm_error(HM_ERR_INVALID_ARGUMENT, "greet expects {\"name\": \"...\"}");
    static const char head[] = "{\"greeting\":\"hello, ";
    static const char tail[] = "\"}";
    size_t len = sizeof head - 1 + json_escape(name, name_len, NULL) + sizeof tail - 1;
    char *text = hm_alloc(len);
    if (text == NULL) {
        hm_free(name);
        return hm_error(HM_ERR_INTERNAL, "out of memory");
    }
    size_t k = sizeof head - 1;
    memcpy(text, head, k);
    k += json_escape(name, name_len, text + k);
    memcpy(text + k, tail, sizeof tail - 1);
    hm_output(text, len);
    hm_free(text);
    hm_free(name);
    return HM_OK;
}

static hm_status count(void) {
    uint8_t *stored = NULL;
    size_t stored_len = 0;
    uint64_t n = 0;
    hm_status status = hypermesh_storage_get("count", 5, &stored, &stored_len);
    if (status == HM_OK) {
        n = hm_u64_parse(stored, stored_len);
        hm_free(stored);
    } else if (status != HM_ERR_NOT_FOUND) { /* NOT_FOUND: no counter yet, start at 0 */
        return hm_fail_from_host(status);
    }
    n += 1;
    char text[32];
    size_t len = hm_u64_format(n, text);
    status = hypermesh_storage_put("count", 5, text, len);
    if (status != HM_OK) return hm_fail_from_host(status);
    static const char head[] = "{\"count\":";
    char answer[sizeof head + 21];
    memcpy(answer, head, sizeof head - 1);
    len = sizeof head - 1 + hm_u64_format(n, answer + sizeof head - 1);
    answer[len++] = '}';
    hm_output(answer, len);
    return HM_OK;
}

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    if (hm_method_is(method, method_len, "echo")) {
        hm_output(input, input_len);
        return HM_OK;
    }
    if (hm_method_is(method, method_len, "noop")) return HM_OK;
    if (hm_method_is(method, method_len, "greet")) return greet(input, input_len);
    if (hm_method_is(method, method_len, "count")) return count();
    return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method; known methods: count, echo, greet, noop");
}
