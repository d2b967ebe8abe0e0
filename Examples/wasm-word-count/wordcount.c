/*
 * wordcount.c — a pure WebAssembly guest (org.hypermesh.examples.word-count): it imports nothing
 * but output and error_message, so it needs no capability and can run anywhere, as an extension of
 * its own or as a Catalog asset run by the Catalog's `execute` (the host's vmExecution).
 *
 * Methods:
 *   count  any text -> {"bytes":B,"words":W,"lines":L} (words are runs of bytes that are not
 *          space, tab, CR or LF; lines count LF bytes, plus one for a last line without one)
 *
 * Build: Examples/wasm-build.sh.
 */
#include "hypermesh_guest.h"

static int is_blank(uint8_t byte) { return byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n'; }

static hm_status count(const uint8_t *input, size_t input_len) {
    uint64_t words = 0, lines = 0;
    int in_word = 0;
    for (size_t i = 0; i < input_len; i++) {
        if (input[i] == '\n') lines++;
        if (is_blank(input[i])) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    if (input_len > 0 && input[input_len - 1] != '\n') lines++;

    char text[96];
    size_t k = 0;
    const char *parts[3] = {"{\"bytes\":", ",\"words\":", ",\"lines\":"};
    uint64_t values[3] = {input_len, words, lines};
    for (int part = 0; part < 3; part++) {
        size_t n = strlen(parts[part]);
        memcpy(text + k, parts[part], n);
        k += n;
        k += hm_u64_format(values[part], text + k);
    }
    text[k++] = '}';
    hm_output(text, k);
    return HM_OK;
}

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    if (hm_method_is(method, method_len, "count")) return count(input, input_len);
    return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method; known methods: count");
}
