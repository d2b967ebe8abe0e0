/*
 * import_undeclared.c — a guest that imports hypermesh.http_request (capability networkAccess).
 * Its manifest in the test declares no networkAccess, so the load must fail with
 * wasm.import_refused naming http_request.
 *
 * Method `fetch`: sends {"method":"GET","url":"http://127.0.0.1:9/"} and outputs the response.
 */
#include "hypermesh_guest.h"

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    (void)input;
    (void)input_len;
    if (!hm_method_is(method, method_len, "fetch")) return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method");
    static const char request[] = "{\"method\":\"GET\",\"url\":\"http://127.0.0.1:9/\"}";
    uint8_t *response = NULL;
    size_t response_len = 0;
    hm_status status = hypermesh_http_request(request, sizeof request - 1, &response, &response_len);
    if (status != HM_OK) return hm_fail_from_host(status);
    hm_output(response, response_len);
    hm_free(response);
    return HM_OK;
}
