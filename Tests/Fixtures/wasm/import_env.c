/*
 * import_env.c — a guest that imports `env.abort`, from a module other than "hypermesh": the load
 * must fail with wasm.import_refused naming it.
 *
 * Method `call`: calls it.
 */
#include "hypermesh_guest.h"

__attribute__((import_module("env"), import_name("abort"))) void env_abort(void);

hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    (void)input;
    (void)input_len;
    if (!hm_method_is(method, method_len, "call")) return hm_error(HM_ERR_UNKNOWN_METHOD, "unknown method");
    env_abort();
    return HM_OK;
}
