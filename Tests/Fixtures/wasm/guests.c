/*
 * guests.c — the hostile and benchmark WebAssembly guest of the tests (built with Examples/wasm-kit).
 *
 * Methods (input and output are bytes; statuses as in hypermesh_guest.h):
 *   noop          no output, status 0
 *   echo          output = input
 *   bump          a counter kept in guest memory (not in storage): outputs 1, 2, 3, ... in decimal;
 *                 starts again at 1 on a fresh instance (after a trap)
 *   compute       input: N in decimal; runs N steps of xorshift64 from seed 88172645463325252 and
 *                 outputs the final state in decimal (N = 0 outputs the seed)
 *   spin          loops forever (stopped by fuel or the deadline)
 *   grow          calls memory.grow(1) until it fails, then outputs the page count reached
 *                 (the host normally ends the call at the memory quota first)
 *   unreachable   executes `unreachable`
 *   huge_output   calls output(16, 0x7FFFFFFF): a range past the end of memory
 *   oob_pointer   calls storage_put with a key at 0xFFFFFFF0, length 16 (past 4 GiB)   [storage]
 *   storage_put   stores the input under the key "k"; returns the host's status and
 *                 last_error message; output "stored" on success                       [storage]
 *   anything else UNKNOWN_METHOD with the message "unknown method"
 *
 * Defines:
 *   GUEST_NO_STORAGE   leaves out the methods marked [storage], so the module imports no function
 *                      that needs a capability (it then imports only output and error_message)
 *   GUEST_LIFECYCLE    exports hypermesh_activate and hypermesh_deactivate (both log a line and
 *                      return 0) and hypermesh_health (output {"status":"healthy","detail":"bumps: N"})
 *   GUEST_ACTIVATE_FAILS  with GUEST_LIFECYCLE: hypermesh_activate returns UNAVAILABLE with the
 *                      message "activation refused"
 *   GUEST_STATE_HANDOVER  exports hypermesh_export_state (output: the bump counter in decimal) and
 *                      hypermesh_import_state (sets the counter from that text)
 */
#include "hypermesh_guest.h"

static uint64_t bumps;
static volatile uint32_t spins;

static hm_status output_u64(uint64_t value) {
    char text[24];
    hm_output(text, hm_u64_format(value, text));
    return HM_OK;
}

static hm_status compute(const uint8_t *input, size_t input_len) {
    uint64_t n = hm_u64_parse(input, input_len);
    uint64_t x = 88172645463325252ull;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return output_u64(x);
}

static hm_status grow(void) {
    for (;;) {
        if (__builtin_wasm_memory_grow(0, 1) == (size_t)-1) return output_u64(__builtin_wasm_memory_size(0));
    }
}

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    if (hm_method_is(method, method_len, "noop")) return HM_OK;
    if (hm_method_is(method, method_len, "echo")) {
        hm_output(input, input_len);
        return HM_OK;
    }
    if (hm_method_is(method, method_len, "bump")) return output_u64(++bumps);
    if (hm_method_is(method, method_len, "compute")) return compute(input, input_len);
    if (hm_method_is(method, method_len, "spin")) {
        for (;;) spins++;
    }
    if (hm_method_is(method, method_len, "grow")) return grow();
    if (hm_method_is(method, method_len, "unreachable")) __builtin_trap();
    if (hm_method_is(method, method_len, "huge_output")) {
        hypermesh_output((const void *)16, 0x7FFFFFFF);
        return HM_OK;
    }
#ifndef GUEST_NO_STORAGE
    if (hm_method_is(method, method_len, "oob_pointer"))
        return hypermesh_storage_put((const char *)0xFFFFFFF0u, 16, "v", 1);
    if (hm_method_is(method, method_len, "storage_put")) {
        hm_status status = hypermesh_storage_put("k", 1, input, input_len);
        if (status != HM_OK) return hm_fail_from_host(status);
        hm_output_str("stored");
        return HM_OK;
    }
#endif
    return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method");
}

#ifdef GUEST_LIFECYCLE
HM_EXPORT("hypermesh_activate") hm_status guest_activate(void) {
#ifdef GUEST_ACTIVATE_FAILS
    return hm_error(HM_ERR_UNAVAILABLE, "activation refused");
#else
    hm_log(HM_LOG_INFO, "activated");
    return HM_OK;
#endif
}

HM_EXPORT("hypermesh_deactivate") hm_status guest_deactivate(void) {
    hm_log(HM_LOG_INFO, "deactivated");
    return HM_OK;
}

HM_EXPORT("hypermesh_health") hm_status guest_health(void) {
    static const char head[] = "{\"status\":\"healthy\",\"detail\":\"bumps: ";
    char text[sizeof head + 24];
    memcpy(text, head, sizeof head - 1);
    size_t len = sizeof head - 1 + hm_u64_format(bumps, text + sizeof head - 1);
    text[len++] = '"';
    text[len++] = '}';
    hm_output(text, len);
    return HM_OK;
}
#endif

#ifdef GUEST_STATE_HANDOVER
HM_EXPORT("hypermesh_export_state") hm_status guest_export_state(void) { return output_u64(bumps); }

HM_EXPORT("hypermesh_import_state") hm_status guest_import_state(const uint8_t *state, size_t state_len) {
    if (state_len == 0) return hm_error(HM_ERR_INVALID_ARGUMENT, "empty state");
    bumps = hm_u64_parse(state, state_len);
    return HM_OK;
}
#endif
