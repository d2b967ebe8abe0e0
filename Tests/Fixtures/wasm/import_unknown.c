/*
 * import_unknown.c — a guest that imports hypermesh.does_not_exist, a function the host does not
 * have: the load must fail with wasm.import_refused naming it.
 *
 * Method `call`: calls it with 7 and returns its result as the status.
 */
#include "hypermesh_guest.h"

HM_IMPORT("does_not_exist") int32_t hypermesh_does_not_exist(int32_t value);

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    (void)input;
    (void)input_len;
    if (!hm_method_is(method, method_len, "call")) return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method");
    return hypermesh_does_not_exist(7);
}
