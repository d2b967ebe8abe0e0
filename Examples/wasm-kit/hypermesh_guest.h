/*
 * hypermesh_guest.h — the C kit for HyperMesh WebAssembly extensions (wasm32, freestanding).
 *
 * The contract is docs/wasm-abi.md. This kit gives a guest:
 *   - the host functions of module "hypermesh" (hypermesh_output, hypermesh_storage_get, ...);
 *   - the status and log-level constants;
 *   - an allocator over the module's linear memory, exported as `hypermesh_alloc`, with hm_free;
 *     it also defines malloc, free, calloc, realloc and posix_memalign, so Embedded Swift and C
 *     code written for a libc link against it;
 *   - memcpy, memmove, memset, memcmp, strlen, strcmp, strchr (clang emits calls to the first three),
 *     and putchar, whose lines go to the host log;
 *   - helpers: hm_output, hm_output_str, hm_error, hm_fail_from_host, hm_log, hm_u64_format, hm_u64_parse;
 *   - the export glue: the extension defines hm_handle() and the kit exports `hypermesh_handle`,
 *     which calls it.
 *
 * Build (see README.md): compile hypermesh_guest.c with the extension's sources, e.g.
 *   clang --target=wasm32 -nostdlib -ffreestanding -O2 -I wasm-kit -c ... ; wasm-ld --no-entry ...
 *
 * OWNERSHIP
 *   - The request (method, input) given to hm_handle is the host's buffer: read it during the call,
 *     never free it, copy what you keep.
 *   - Results of host functions (out_ptr/out_len) are allocated in guest memory with hypermesh_alloc
 *     and are the guest's: release them with hm_free when done.
 *   - Buffers passed to host functions are only read during that call; hm_output copies at once.
 *
 * THREADS
 *   A guest instance is single-threaded: the host never runs two calls of one instance at once, and
 *   nothing here is synchronized.
 */
#ifndef HYPERMESH_GUEST_H
#define HYPERMESH_GUEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- statuses and log levels (the values of hypermesh_extension.h) ---- */

typedef int32_t hm_status;
#define HM_OK                    0
#define HM_ERR_INVALID_ARGUMENT  1
#define HM_ERR_NOT_FOUND         2
#define HM_ERR_UNKNOWN_METHOD    3
#define HM_ERR_PERMISSION_DENIED 4
#define HM_ERR_QUOTA_EXCEEDED    5
#define HM_ERR_CONFLICT          6
#define HM_ERR_UNAVAILABLE       7
#define HM_ERR_INTERNAL          8

#define HM_LOG_TRACE   0
#define HM_LOG_DEBUG   1
#define HM_LOG_INFO    2
#define HM_LOG_WARNING 3
#define HM_LOG_ERROR   4

/** Marks a function as a module export named `name` (e.g. HM_EXPORT("hypermesh_health")). */
#define HM_EXPORT(name) __attribute__((export_name(name)))

/** Declares a host function of module "hypermesh" named `name`. */
#define HM_IMPORT(name) __attribute__((import_module("hypermesh"), import_name(name)))

/* ---- host functions (module "hypermesh"; docs/wasm-abi.md has the table) ----
 * out_ptr/out_len: the host stores there the offset and length of a result it allocated in our
 * memory with hypermesh_alloc (free it with hm_free); on failure they are left untouched. */

HM_IMPORT("output") void hypermesh_output(const void *ptr, size_t len);
HM_IMPORT("error_message") void hypermesh_error_message(const void *ptr, size_t len);
HM_IMPORT("last_error") hm_status hypermesh_last_error(uint8_t **out_ptr, size_t *out_len);
HM_IMPORT("log") void hypermesh_log(int32_t level, const void *ptr, size_t len);
HM_IMPORT("storage_get") hm_status hypermesh_storage_get(const char *key, size_t key_len, uint8_t **out_ptr, size_t *out_len);
HM_IMPORT("storage_put") hm_status hypermesh_storage_put(const char *key, size_t key_len, const void *value, size_t value_len);
HM_IMPORT("storage_delete") hm_status hypermesh_storage_delete(const char *key, size_t key_len);
HM_IMPORT("storage_list") hm_status hypermesh_storage_list(const char *prefix, size_t prefix_len, uint8_t **out_ptr, size_t *out_len);
HM_IMPORT("storage_apply") hm_status hypermesh_storage_apply(const void *batch, size_t batch_len);
HM_IMPORT("register_asset_type") hm_status hypermesh_register_asset_type(const char *type, size_t type_len);
HM_IMPORT("emit_event") hm_status hypermesh_emit_event(const char *topic, size_t topic_len, const void *payload, size_t payload_len);
HM_IMPORT("file_read") hm_status hypermesh_file_read(const char *path, size_t path_len, uint8_t **out_ptr, size_t *out_len);
HM_IMPORT("file_write") hm_status hypermesh_file_write(const char *path, size_t path_len, const void *data, size_t data_len);
HM_IMPORT("file_list") hm_status hypermesh_file_list(const char *path, size_t path_len, uint8_t **out_ptr, size_t *out_len);
HM_IMPORT("http_request") hm_status hypermesh_http_request(const void *request, size_t request_len, uint8_t **out_ptr, size_t *out_len);
HM_IMPORT("consensus_submit") hm_status hypermesh_consensus_submit(const char *kind, size_t kind_len, const void *payload,
                                                                  size_t payload_len, uint8_t **out_ptr, size_t *out_len);

/* ---- app functions (module "app"; docs/wasm-abi.md, "App functions") ----
 * The embedding application's own functions, one import per function, named as the application
 * declared it. Each takes the input bytes and answers output bytes (out_ptr/out_len as above) and
 * needs the capability "app:<name>" in extension.json. A host that does not offer the function
 * still links the module; the call answers HM_ERR_UNAVAILABLE. Declare one with
 *   HM_APP_FUNCTION(app_notify, "notify");
 * and call it as  app_notify(input, input_len, &out, &out_len). */
#define HM_APP_IMPORT(name) __attribute__((import_module("app"), import_name(name)))
#define HM_APP_FUNCTION(c_name, name) \
    HM_APP_IMPORT(name) hm_status c_name(const void *input, size_t input_len, uint8_t **out_ptr, size_t *out_len)

/* ---- what the extension implements ---- */

/**
 * Handles one request; the kit exports it as `hypermesh_handle`. `method` is not NUL-terminated.
 * Set the answer with hm_output (none means an empty output) and return HM_OK, or return a status
 * (with hm_error for a message). Define HM_NO_HANDLE_EXPORT to leave the glue out and export
 * `hypermesh_handle` yourself with HM_EXPORT.
 */
hm_status hm_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len);

/* hypermesh_activate, hypermesh_deactivate and hypermesh_health are optional; export them with
 * HM_EXPORT, e.g. `HM_EXPORT("hypermesh_activate") hm_status my_activate(void) { ... }`. */

/* ---- memory ---- */

/** Allocates `len` bytes aligned to 8 (exported as `hypermesh_alloc`); NULL when out of memory. */
void *hm_alloc(size_t len);
/** Releases memory from hm_alloc, malloc or a host result. NULL is ignored; a foreign pointer traps. */
void hm_free(void *ptr);
/** Bytes currently allocated, headers included (for leak checks). */
size_t hm_heap_in_use(void);

void *malloc(size_t len);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t len);
int posix_memalign(void **out, size_t alignment, size_t len);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int value, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strchr(const char *s, int c);
/** Buffers a character; each line goes to the host log at level info (Embedded Swift's print uses it). */
int putchar(int c);

/* ---- helpers ---- */

/** Sets the call's output (the host copies it at once). */
static inline void hm_output(const void *ptr, size_t len) { hypermesh_output(ptr, len); }
/** Sets the call's output to a NUL-terminated string (without the NUL). */
static inline void hm_output_str(const char *text) { hypermesh_output(text, strlen(text)); }
/** Writes a log line (a NUL-terminated string). Never fails. */
static inline void hm_log(int32_t level, const char *text) { hypermesh_log(level, text, strlen(text)); }
/** Sets the error message (a NUL-terminated string) and returns `status`: `return hm_error(...)`. */
static inline hm_status hm_error(hm_status status, const char *message) {
    hypermesh_error_message(message, strlen(message));
    return status;
}
/** True if the method name (method, method_len) is `name`. */
static inline int hm_method_is(const char *method, size_t method_len, const char *name) {
    size_t n = strlen(name);
    return method_len == n && memcmp(method, name, n) == 0;
}

/**
 * Passes a failed host function's status on as the call's answer: copies the host's last_error
 * message into error_message (when there is one) and returns `status`.
 */
hm_status hm_fail_from_host(hm_status status);

/** Writes `value` in decimal into `out` (at least 20 bytes, not NUL-terminated); returns the length. */
size_t hm_u64_format(uint64_t value, char *out);
/** Reads the decimal number at the start of (text, len) after blanks, like strtoull: 0 when there is
 * none, UINT64_MAX when it overflows. */
uint64_t hm_u64_parse(const uint8_t *text, size_t len);

/*
 * ---- host functions as ordinary C functions ----
 * Languages whose own calling convention adds hidden parameters on wasm32 (Embedded Swift's adds
 * two) cannot declare the imports themselves: the import's signature would not match the ABI and
 * the host refuses the module. They call these, which the kit defines with the C convention.
 */
void hm_host_output(const void *ptr, size_t len);
void hm_host_error_message(const void *ptr, size_t len);
hm_status hm_host_last_error(uint8_t **out_ptr, size_t *out_len);
void hm_host_log(int32_t level, const void *ptr, size_t len);
hm_status hm_host_storage_get(const void *key, size_t key_len, uint8_t **out_ptr, size_t *out_len);
hm_status hm_host_storage_put(const void *key, size_t key_len, const void *value, size_t value_len);
hm_status hm_host_storage_delete(const void *key, size_t key_len);

#ifdef __cplusplus
}
#endif

#endif /* HYPERMESH_GUEST_H */
