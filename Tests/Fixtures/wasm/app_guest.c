/*
 * app_guest.c — a guest that calls the embedding application's function `notify` through its
 * import `app.notify` (capability app:notify).
 *
 * Methods:
 *   notify   app.notify(input): outputs its output, or fails with the host's status and message
 *   flood    calls app.notify("x") as many times as the input's decimal number; outputs
 *            {"ok":K,"last":S} (K calls answered OK, S the status of the last one)
 * With APP_GUEST_BENCH (the benchmarks; the manifest must then declare `events` too):
 *   notify_loop  calls app.notify("x") N times (N: the input in decimal); status of the last
 *   event_loop   calls hypermesh.emit_event("t", "x") N times; status of the last
 */
#include "hypermesh_guest.h"

HM_APP_FUNCTION(app_notify, "notify");

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    if (hm_method_is(method, method_len, "notify")) {
        uint8_t *output = NULL;
        size_t output_len = 0;
        hm_status status = app_notify(input, input_len, &output, &output_len);
        if (status != HM_OK) return hm_fail_from_host(status);
        hm_output(output, output_len);
        hm_free(output);
        return HM_OK;
    }
    if (hm_method_is(method, method_len, "flood")) {
        uint64_t count = hm_u64_parse(input, input_len);
        uint64_t ok = 0;
        hm_status last = HM_OK;
        for (uint64_t i = 0; i < count; i++) {
            uint8_t *output = NULL;
            size_t output_len = 0;
            last = app_notify("x", 1, &output, &output_len);
            if (last == HM_OK) {
                ok++;
                hm_free(output);
            }
        }
        char text[64];
        size_t len = 0;
        static const char head[] = "{\"ok\":";
        memcpy(text, head, sizeof head - 1);
        len = sizeof head - 1;
        len += hm_u64_format(ok, text + len);
        static const char middle[] = ",\"last\":";
        memcpy(text + len, middle, sizeof middle - 1);
        len += sizeof middle - 1;
        len += hm_u64_format((uint64_t)last, text + len);
        text[len++] = '}';
        hm_output(text, len);
        return HM_OK;
    }
#ifdef APP_GUEST_BENCH
    if (hm_method_is(method, method_len, "notify_loop")) {
        uint64_t count = hm_u64_parse(input, input_len);
        hm_status last = HM_OK;
        for (uint64_t i = 0; i < count; i++) {
            uint8_t *output = NULL;
            size_t output_len = 0;
            last = app_notify("x", 1, &output, &output_len);
            hm_free(output);
        }
        return last;
    }
    if (hm_method_is(method, method_len, "event_loop")) {
        uint64_t count = hm_u64_parse(input, input_len);
        hm_status last = HM_OK;
        for (uint64_t i = 0; i < count; i++) last = hypermesh_emit_event("t", 1, "x", 1);
        return last;
    }
#endif
    return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method");
}
