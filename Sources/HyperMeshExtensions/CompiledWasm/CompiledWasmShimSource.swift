/// The C sources the compiled tier compiles next to a module's wasm2c translation.
///
/// Hand-written C, kept here as text because the host must write them out wherever it runs (an
/// installed `hypermesh` has no source tree): the glue (`hm_wasm_shim.c`: wasm2c's runtime
/// without signal handlers, the `hypermesh` and `app` imports over the host API, and the three
/// entry points of a native extension) and a copy of the ABI header it includes. A test checks
/// that the copy is byte for byte `Sources/CHyperMeshABI/include/hypermesh_extension.h`.
enum CompiledWasmShimSource {
    /// `hm_wasm_shim.c`; `hm_config.h` (``CompiledWasmConfig``) names the module's symbols.
    static let shim = #"""
/*
 * The compiled tier's glue: a WebAssembly module translated by wasm2c, made into a native
 * HyperMesh extension (hypermesh_extension.h) that an isolated worker maps. It provides
 *   - the wasm2c runtime (wasm-rt.h) without signal handlers or address-space reservations:
 *     explicit bounds checks, memory from calloc/realloc up to the memory limit, call depth
 *     counted (WASM_RT_MAX_CALL_STACK_DEPTH);
 *   - the module's imports (module `hypermesh` and `app`), each checking every guest pointer
 *     before touching it and calling the host API table (through the worker's broker);
 *   - the three entry points, with every entry into the guest guarded: a trap unwinds to the
 *     entry, discards the instance (the next call gets a fresh one) and answers
 *     HM_COMPILED_TRAP_STATUS with "wasm.<code>: <detail>".
 * hm_config.h (generated per module) names the module's symbols and the limits.
 */
#define _GNU_SOURCE 1 /* mremap */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hypermesh_extension.h"
#include "hm_config.h"
#include "wasm-rt.h"
#include HM_MODULE_HEADER

#define HM_COMPILED_TRAP_STATUS 30561
enum { HM_TRAP_MEMORY_LIMIT = 100, HM_TRAP_TABLE_LIMIT, HM_TRAP_GUEST_POINTER, HM_TRAP_HOST, HM_TRAP_ALLOC_FAILED };

/* ---- the runtime (wasm-rt.h) ---- */

uint32_t wasm_rt_call_stack_depth;
/* The lowest address guest code may use on the native stack (wasm2c's FUNC_PROLOGUE, as the host
 * rewrites it, traps with "call stack exhausted" below it): HM_STACK_BUDGET under the entry's frame. */
char *hm_stack_limit;
#ifndef HM_STACK_BUDGET
#define HM_STACK_BUDGET (1024 * 1024)
#endif
static jmp_buf *hm_trap_target;
static int hm_initialized;
static char hm_trap_detail[512];

void wasm_rt_trap(wasm_rt_trap_t code) {
    if (hm_trap_target == NULL) abort();
    longjmp(*hm_trap_target, (int)code);
}

static void hm_trap_with(int code, const char *format, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void hm_trap_with(int code, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(hm_trap_detail, sizeof hm_trap_detail, format, arguments);
    va_end(arguments);
    if (hm_trap_target == NULL) abort();
    longjmp(*hm_trap_target, code);
}

void wasm_rt_init(void) { hm_initialized = 1; }
bool wasm_rt_is_initialized(void) { return hm_initialized; }
void wasm_rt_free(void) { hm_initialized = 0; }

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
    switch (trap) {
    case WASM_RT_TRAP_NONE: return "no trap";
    case WASM_RT_TRAP_OOB: return "out of bounds memory or table access";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "invalid indirect call";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
    }
    return "trap";
}

typedef struct { uint32_t params, results; wasm_rt_type_t types[32]; } hm_func_type;
static hm_func_type *hm_func_types;
static uint32_t hm_func_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
    hm_func_type type = { params, results, { 0 } };
    va_list arguments;
    va_start(arguments, results);
    for (uint32_t i = 0; i < params + results; i++) {
        wasm_rt_type_t value = (wasm_rt_type_t)va_arg(arguments, int);
        if (i < 32) type.types[i] = value;
    }
    va_end(arguments);
    for (uint32_t i = 0; i < hm_func_type_count; i++) {
        if (memcmp(&hm_func_types[i], &type, sizeof type) == 0) return i + 1;
    }
    hm_func_type *grown = realloc(hm_func_types, (hm_func_type_count + 1) * sizeof type);
    if (grown == NULL) abort();
    hm_func_types = grown;
    hm_func_types[hm_func_type_count++] = type;
    return hm_func_type_count;
}

static uint32_t hm_tags;
uint32_t wasm_rt_register_tag(uint32_t size) { (void)size; return hm_tags++; }
void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values) { (void)tag; (void)size; (void)values; }
void wasm_rt_throw(void) { wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION); }
static WASM_RT_UNWIND_TARGET *hm_unwind_target;
WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void) { return hm_unwind_target; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target) { hm_unwind_target = target; }
uint32_t wasm_rt_exception_tag(void) { return 0; }
uint32_t wasm_rt_exception_size(void) { return 0; }
void *wasm_rt_exception(void) { return NULL; }

#define HM_PAGE 65536u

/* The bytes mapped for a memory of `pages` pages (at least one page, so that an empty memory has
 * an address too). */
static size_t hm_mapped_length(uint32_t pages) { return (size_t)(pages ? pages : 1) * HM_PAGE; }

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
    memory->data = NULL;
    memory->pages = 0;
    memory->size = 0;
    memory->max_pages = max_pages;
    if (initial_pages > HM_MEMORY_LIMIT_PAGES) {
        hm_trap_with(HM_TRAP_MEMORY_LIMIT, "the module's initial memory of %u pages is above the limit of %u pages",
                     initial_pages, (unsigned)HM_MEMORY_LIMIT_PAGES);
    }
    if (initial_pages > 65535u) hm_trap_with(HM_TRAP_MEMORY_LIMIT, "an initial memory of %u pages does not fit", initial_pages);
    void *data = mmap(NULL, hm_mapped_length(initial_pages), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) hm_trap_with(HM_TRAP_MEMORY_LIMIT, "the worker could not map %u pages", initial_pages);
    memory->data = data;
    memory->pages = initial_pages;
    memory->size = initial_pages * HM_PAGE;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
    uint32_t old_pages = memory->pages;
    uint64_t new_pages = (uint64_t)old_pages + delta;
    if (delta == 0) return old_pages;
    if (new_pages > memory->max_pages || new_pages > 65535u) return UINT32_MAX;
    if (new_pages > HM_MEMORY_LIMIT_PAGES) {
        hm_trap_with(HM_TRAP_MEMORY_LIMIT, "memory.grow to %llu pages passes the limit of %u pages",
                     (unsigned long long)new_pages, (unsigned)HM_MEMORY_LIMIT_PAGES);
    }
    size_t old_length = hm_mapped_length(old_pages), new_length = hm_mapped_length((uint32_t)new_pages);
    void *data = memory->data;
    if (new_length > old_length) {
        /* Anonymous pages the mapping gains read as zero. */
        data = mremap(memory->data, old_length, new_length, MREMAP_MAYMOVE);
        if (data == MAP_FAILED) {
            hm_trap_with(HM_TRAP_MEMORY_LIMIT, "the worker could not map memory to grow to %llu pages", (unsigned long long)new_pages);
        }
    }
    memory->data = data;
    memory->pages = (uint32_t)new_pages;
    memory->size = (uint32_t)new_pages * HM_PAGE;
    return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
    if (memory->data != NULL) munmap(memory->data, hm_mapped_length(memory->pages));
    memory->data = NULL;
    memory->pages = 0;
    memory->size = 0;
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *table, uint32_t elements, uint32_t max_elements) {
    if (elements > HM_TABLE_LIMIT) hm_trap_with(HM_TRAP_TABLE_LIMIT, "a table of %u elements is above the limit of %u", elements, (unsigned)HM_TABLE_LIMIT);
    table->data = calloc(elements ? elements : 1, sizeof(wasm_rt_funcref_t));
    if (table->data == NULL) hm_trap_with(HM_TRAP_TABLE_LIMIT, "the worker could not allocate a table");
    table->size = elements;
    table->max_size = max_elements;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *table) { free(table->data); table->data = NULL; table->size = 0; }

void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t *table, uint32_t elements, uint32_t max_elements) {
    if (elements > HM_TABLE_LIMIT) hm_trap_with(HM_TRAP_TABLE_LIMIT, "a table of %u elements is above the limit of %u", elements, (unsigned)HM_TABLE_LIMIT);
    table->data = calloc(elements ? elements : 1, sizeof(wasm_rt_externref_t));
    if (table->data == NULL) hm_trap_with(HM_TRAP_TABLE_LIMIT, "the worker could not allocate a table");
    table->size = elements;
    table->max_size = max_elements;
}

void wasm_rt_free_externref_table(wasm_rt_externref_table_t *table) { free(table->data); table->data = NULL; table->size = 0; }

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *table, uint32_t delta, wasm_rt_funcref_t init) {
    uint32_t old_size = table->size;
    uint64_t new_size = (uint64_t)old_size + delta;
    if (delta == 0) return old_size;
    if (new_size > table->max_size) return UINT32_MAX;
    if (new_size > HM_TABLE_LIMIT) hm_trap_with(HM_TRAP_TABLE_LIMIT, "table.grow to %llu elements passes the limit of %u", (unsigned long long)new_size, (unsigned)HM_TABLE_LIMIT);
    wasm_rt_funcref_t *data = realloc(table->data, (size_t)new_size * sizeof *data);
    if (data == NULL) hm_trap_with(HM_TRAP_TABLE_LIMIT, "the worker could not grow a table");
    for (uint64_t i = old_size; i < new_size; i++) data[i] = init;
    table->data = data;
    table->size = (uint32_t)new_size;
    return old_size;
}

uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t *table, uint32_t delta, wasm_rt_externref_t init) {
    uint32_t old_size = table->size;
    uint64_t new_size = (uint64_t)old_size + delta;
    if (delta == 0) return old_size;
    if (new_size > table->max_size) return UINT32_MAX;
    if (new_size > HM_TABLE_LIMIT) hm_trap_with(HM_TRAP_TABLE_LIMIT, "table.grow to %llu elements passes the limit of %u", (unsigned long long)new_size, (unsigned)HM_TABLE_LIMIT);
    wasm_rt_externref_t *data = realloc(table->data, (size_t)new_size * sizeof *data);
    if (data == NULL) hm_trap_with(HM_TRAP_TABLE_LIMIT, "the worker could not grow a table");
    for (uint64_t i = old_size; i < new_size; i++) data[i] = init;
    table->data = data;
    table->size = (uint32_t)new_size;
    return old_size;
}

/* ---- one instance ---- */

struct hm_shim;
struct Z_hypermesh_instance_t { struct hm_shim *shim; };
struct Z_app_instance_t { struct hm_shim *shim; };

typedef struct hm_buffer { uint8_t *data; size_t len, cap; int set; } hm_buffer;

typedef struct hm_shim {
    hypermesh_extension extension;
    const hypermesh_host_api *host;
    hypermesh_context *context;
    HM_INSTANCE_TYPE instance;
    int live;                     /* the wasm instance exists (not discarded after a trap) */
    struct Z_hypermesh_instance_t hypermesh_imports;
    struct Z_app_instance_t app_imports;
    uint32_t request_offset, request_capacity;
    hm_buffer output, error_message, last_error;
} hm_shim;

static int hm_buffer_set(hm_buffer *buffer, const uint8_t *bytes, size_t len) {
    if (len > buffer->cap) {
        uint8_t *data = realloc(buffer->data, len);
        if (data == NULL) return 0;
        buffer->data = data;
        buffer->cap = len;
    }
    if (len) memcpy(buffer->data, bytes, len);
    buffer->len = len;
    buffer->set = 1;
    return 1;
}

static wasm_rt_memory_t *hm_memory(hm_shim *shim) { return HM_EXPORT_MEMORY(&shim->instance); }

/* A guest range, checked against the memory's current size (a zero length touches nothing). */
static uint8_t *hm_guest(hm_shim *shim, uint32_t offset, uint32_t length, const char *what) {
    wasm_rt_memory_t *memory = hm_memory(shim);
    if (length == 0) return memory->data;
    if ((uint64_t)offset + length > memory->size) {
        hm_trap_with(HM_TRAP_GUEST_POINTER, "%s at offset %u with length %u ends past the guest's memory of %u bytes",
                     what, offset, length, memory->size);
    }
    return memory->data + offset;
}

/* Copies bytes into a block from the guest's hypermesh_alloc; returns its offset. */
static uint32_t hm_place(hm_shim *shim, const uint8_t *bytes, size_t length) {
    if (length > 0x7FFFFFFFu) hm_trap_with(HM_TRAP_HOST, "a result of %zu bytes does not fit a 32-bit memory", length);
    uint32_t offset = HM_EXPORT_ALLOC(&shim->instance, (uint32_t)length);
    if (offset == 0) hm_trap_with(HM_TRAP_ALLOC_FAILED, "hypermesh_alloc could not allocate %zu bytes for a host function's result (returned 0)", length);
    uint8_t *target = hm_guest(shim, offset, (uint32_t)length, "the block hypermesh_alloc returned");
    if (length) memcpy(target, bytes, length);
    return offset;
}

static void hm_write_u32(hm_shim *shim, uint32_t offset, uint32_t value, const char *what) {
    uint8_t *target = hm_guest(shim, offset, 4, what);
    for (int i = 0; i < 4; i++) target[i] = (uint8_t)(value >> (8 * i));
}

/* A host function's result: on OK, its bytes placed in guest memory and the two cells written;
 * otherwise its message kept for last_error. Frees what the host allocated. */
static uint32_t hm_finish(hm_shim *shim, hypermesh_status status, hypermesh_bytes *result, hypermesh_error *error,
                          uint32_t out_ptr, uint32_t out_len) {
    if (status == HYPERMESH_OK) {
        if (result != NULL) {
            /* Check both cells first, as the interpreter does, before allocating. */
            hm_guest(shim, out_ptr, 4, "out_ptr");
            hm_guest(shim, out_len, 4, "out_len");
            uint32_t offset = hm_place(shim, result->data, result->len);
            hm_write_u32(shim, out_ptr, offset, "out_ptr");
            hm_write_u32(shim, out_len, (uint32_t)result->len, "out_len");
        }
    } else {
        const char *message = error->message ? error->message : "";
        hm_buffer_set(&shim->last_error, (const uint8_t *)message, strlen(message));
    }
    if (result != NULL && result->data != NULL) shim->host->free(result->data);
    if (error->message != NULL) shim->host->free(error->message);
    return (uint32_t)status;
}

#define HM_SHIM(instance) ((instance)->shim)

#ifdef HM_IMPORT_output
void HM_IMPORT_output(struct Z_hypermesh_instance_t *imports, u32 ptr, u32 len) {
    hm_shim *shim = HM_SHIM(imports);
    uint8_t *bytes = hm_guest(shim, ptr, len, "output");
    if (!hm_buffer_set(&shim->output, bytes, len)) hm_trap_with(HM_TRAP_HOST, "the worker could not keep an output of %u bytes", len);
}
#endif

#ifdef HM_IMPORT_error_message
void HM_IMPORT_error_message(struct Z_hypermesh_instance_t *imports, u32 ptr, u32 len) {
    hm_shim *shim = HM_SHIM(imports);
    uint8_t *bytes = hm_guest(shim, ptr, len, "error_message");
    if (!hm_buffer_set(&shim->error_message, bytes, len)) hm_trap_with(HM_TRAP_HOST, "the worker could not keep a message of %u bytes", len);
}
#endif

#ifdef HM_IMPORT_last_error
u32 HM_IMPORT_last_error(struct Z_hypermesh_instance_t *imports, u32 out_ptr, u32 out_len) {
    hm_shim *shim = HM_SHIM(imports);
    if (!shim->last_error.set) return HYPERMESH_ERR_NOT_FOUND;
    hm_guest(shim, out_ptr, 4, "out_ptr");
    hm_guest(shim, out_len, 4, "out_len");
    uint32_t offset = hm_place(shim, shim->last_error.data, shim->last_error.len);
    hm_write_u32(shim, out_ptr, offset, "out_ptr");
    hm_write_u32(shim, out_len, (uint32_t)shim->last_error.len, "out_len");
    return HYPERMESH_OK;
}
#endif

#ifdef HM_IMPORT_log
void HM_IMPORT_log(struct Z_hypermesh_instance_t *imports, u32 level, u32 ptr, u32 len) {
    hm_shim *shim = HM_SHIM(imports);
    uint8_t *text = hm_guest(shim, ptr, len, "log message");
    shim->host->log(shim->context, (hypermesh_log_level)(level > 4 ? 4 : level), (const char *)text, len);
}
#endif

/* Functions of the form (text/bytes in) -> bytes out. */
#define HM_IN_OUT(symbol, field, what)                                                              \
    u32 symbol(struct Z_hypermesh_instance_t *imports, u32 ptr, u32 len, u32 out_ptr, u32 out_len) { \
        hm_shim *shim = HM_SHIM(imports);                                                            \
        uint8_t *in = hm_guest(shim, ptr, len, what);                                                \
        hm_guest(shim, out_ptr, 4, "out_ptr");                                                       \
        hm_guest(shim, out_len, 4, "out_len");                                                       \
        hypermesh_bytes result = { NULL, 0 };                                                        \
        hypermesh_error error = { 0, NULL };                                                         \
        hypermesh_status status = shim->host->field(shim->context, (const void *)in, len, &result, &error); \
        return hm_finish(shim, status, &result, &error, out_ptr, out_len);                           \
    }

/* Functions of the form (a, b in) -> status. */
#define HM_TWO_IN(symbol, field, what_a, what_b)                                                     \
    u32 symbol(struct Z_hypermesh_instance_t *imports, u32 a_ptr, u32 a_len, u32 b_ptr, u32 b_len) { \
        hm_shim *shim = HM_SHIM(imports);                                                            \
        uint8_t *a = hm_guest(shim, a_ptr, a_len, what_a);                                           \
        uint8_t *b = hm_guest(shim, b_ptr, b_len, what_b);                                           \
        hypermesh_error error = { 0, NULL };                                                         \
        hypermesh_status status = shim->host->field(shim->context, (const void *)a, a_len, b, b_len, &error); \
        return hm_finish(shim, status, NULL, &error, 0, 0);                                          \
    }

/* Functions of the form (a in) -> status. */
#define HM_ONE_IN(symbol, field, what)                                                               \
    u32 symbol(struct Z_hypermesh_instance_t *imports, u32 ptr, u32 len) {                           \
        hm_shim *shim = HM_SHIM(imports);                                                            \
        uint8_t *a = hm_guest(shim, ptr, len, what);                                                 \
        hypermesh_error error = { 0, NULL };                                                         \
        hypermesh_status status = shim->host->field(shim->context, (const void *)a, len, &error);    \
        return hm_finish(shim, status, NULL, &error, 0, 0);                                          \
    }

#ifdef HM_IMPORT_storage_get
HM_IN_OUT(HM_IMPORT_storage_get, storage_get, "storage key")
#endif
#ifdef HM_IMPORT_storage_list
HM_IN_OUT(HM_IMPORT_storage_list, storage_list, "storage prefix")
#endif
#ifdef HM_IMPORT_file_read
HM_IN_OUT(HM_IMPORT_file_read, file_read, "file path")
#endif
#ifdef HM_IMPORT_file_list
HM_IN_OUT(HM_IMPORT_file_list, file_list, "folder path")
#endif
#ifdef HM_IMPORT_http_request
HM_IN_OUT(HM_IMPORT_http_request, http_request, "HTTP request")
#endif
#ifdef HM_IMPORT_storage_put
HM_TWO_IN(HM_IMPORT_storage_put, storage_put, "storage key", "storage value")
#endif
#ifdef HM_IMPORT_emit_event
HM_TWO_IN(HM_IMPORT_emit_event, emit_event, "event topic", "event payload")
#endif
#ifdef HM_IMPORT_file_write
HM_TWO_IN(HM_IMPORT_file_write, file_write, "file path", "file data")
#endif
#ifdef HM_IMPORT_storage_delete
HM_ONE_IN(HM_IMPORT_storage_delete, storage_delete, "storage key")
#endif
#ifdef HM_IMPORT_storage_apply
HM_ONE_IN(HM_IMPORT_storage_apply, storage_apply, "storage batch")
#endif
#ifdef HM_IMPORT_register_asset_type
HM_ONE_IN(HM_IMPORT_register_asset_type, register_asset_type, "asset type")
#endif

#ifdef HM_IMPORT_consensus_submit
u32 HM_IMPORT_consensus_submit(struct Z_hypermesh_instance_t *imports, u32 kind_ptr, u32 kind_len, u32 payload_ptr,
                               u32 payload_len, u32 out_ptr, u32 out_len) {
    hm_shim *shim = HM_SHIM(imports);
    uint8_t *kind = hm_guest(shim, kind_ptr, kind_len, "consensus kind");
    uint8_t *payload = hm_guest(shim, payload_ptr, payload_len, "consensus payload");
    hm_guest(shim, out_ptr, 4, "out_ptr");
    hm_guest(shim, out_len, 4, "out_len");
    hypermesh_bytes result = { NULL, 0 };
    hypermesh_error error = { 0, NULL };
    hypermesh_status status = shim->host->consensus_submit(shim->context, (const char *)kind, kind_len, payload, payload_len, &result, &error);
    return hm_finish(shim, status, &result, &error, out_ptr, out_len);
}
#endif

/* app.<name>: (input_ptr, input_len, out_ptr, out_len) -> status, through app_call by name. */
static u32 hm_app_call(struct Z_app_instance_t *imports, const char *name, u32 ptr, u32 len, u32 out_ptr, u32 out_len) {
    hm_shim *shim = HM_SHIM(imports);
    uint8_t *input = hm_guest(shim, ptr, len, "app function input");
    hm_guest(shim, out_ptr, 4, "out_ptr");
    hm_guest(shim, out_len, 4, "out_len");
    if (!hypermesh_host_has_app_call(shim->host)) {
        const char *message = "this host offers no app functions";
        hm_buffer_set(&shim->last_error, (const uint8_t *)message, strlen(message));
        return HYPERMESH_ERR_UNAVAILABLE;
    }
    hypermesh_bytes result = { NULL, 0 };
    hypermesh_error error = { 0, NULL };
    hypermesh_status status = shim->host->app_call(shim->context, name, strlen(name), input, len, &result, &error);
    return hm_finish(shim, status, &result, &error, out_ptr, out_len);
}

#define HM_APP_IMPORT(symbol, name) \
    u32 symbol(struct Z_app_instance_t *imports, u32 a, u32 b, u32 c, u32 d) { return hm_app_call(imports, name, a, b, c, d); }
#ifdef HM_APP_IMPORTS
HM_APP_IMPORTS(HM_APP_IMPORT)
#endif

/* ---- guarded entries ---- */

static const char *hm_trap_code(int code) {
    switch (code) {
    case WASM_RT_TRAP_OOB: return "wasm.out_of_bounds";
    case HM_TRAP_GUEST_POINTER: return "wasm.out_of_bounds";
    case WASM_RT_TRAP_UNREACHABLE: return "wasm.unreachable";
    case HM_TRAP_MEMORY_LIMIT: return "wasm.memory_limit";
    case HM_TRAP_TABLE_LIMIT: return "wasm.table_limit";
    case HM_TRAP_HOST: return "wasm.host_error";
    default: return "wasm.trap";
    }
}

static char *hm_strdup_host(hm_shim *shim, const char *text, size_t length) {
    char *copy = shim->host->alloc(length + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, text, length);
    copy[length] = 0;
    return copy;
}

/* After a trap: the instance is discarded; the next entry makes a fresh one. */
static void hm_discard(hm_shim *shim) {
    if (shim->live) HM_FREE(&shim->instance);
    shim->live = 0;
    shim->request_offset = 0;
    shim->request_capacity = 0;
}

typedef void (*hm_body)(hm_shim *shim, void *argument, uint32_t *status);

/* Runs body with a trap target set; makes the instance first if there is none. */
static hypermesh_status hm_guarded(hm_shim *shim, hm_body body, void *argument, const char *what, hypermesh_error *out_error) {
    jmp_buf target;
    jmp_buf *previous = hm_trap_target;
    uint32_t depth = wasm_rt_call_stack_depth;
    volatile uint32_t status = HYPERMESH_OK;
    char *previous_limit = hm_stack_limit;
    hm_stack_limit = (char *)__builtin_frame_address(0) - HM_STACK_BUDGET;
    hm_trap_detail[0] = 0;
    shim->output.set = 0;
    shim->error_message.set = 0;
    shim->last_error.set = 0;
    hm_trap_target = &target;
    int code = setjmp(target);
    if (code == 0) {
        if (!shim->live) {
            memset(&shim->instance, 0, sizeof shim->instance);
            shim->live = 1;
            HM_INSTANTIATE(shim);
        }
        uint32_t result = HYPERMESH_OK;
        body(shim, argument, &result);
        status = result;
        hm_trap_target = previous;
        hm_stack_limit = previous_limit;
        return (hypermesh_status)status;
    }
    hm_trap_target = previous;
    hm_stack_limit = previous_limit;
    wasm_rt_call_stack_depth = depth;
    hm_discard(shim);
    if (out_error != NULL) {
        char message[768];
        const char *detail = hm_trap_detail[0] ? hm_trap_detail : (code < 100 ? wasm_rt_strerror((wasm_rt_trap_t)code) : "trap");
        int length = snprintf(message, sizeof message, "%s: %s trapped: %s", hm_trap_code(code), what, detail);
        if (length < 0) length = 0;
        if ((size_t)length >= sizeof message) length = sizeof message - 1;
        out_error->code = HM_COMPILED_TRAP_STATUS;
        out_error->message = hm_strdup_host(shim, message, (size_t)length);
    }
    return HM_COMPILED_TRAP_STATUS;
}

/* A guest status other than the ABI's is INTERNAL (the trap status is the shim's alone). */
static uint32_t hm_guest_status(uint32_t status) {
    return status <= HYPERMESH_ERR_INTERNAL ? status : HYPERMESH_ERR_INTERNAL;
}

/* The answer of an entry: the output (on OK) or the message (otherwise), copied with host->alloc. */
static void hm_answer(hm_shim *shim, hypermesh_status status, hypermesh_bytes *out_output, hypermesh_error *out_error) {
    if (status == HYPERMESH_OK) {
        if (out_output != NULL && shim->output.set && shim->output.len > 0) {
            out_output->data = shim->host->alloc(shim->output.len);
            if (out_output->data != NULL) {
                memcpy(out_output->data, shim->output.data, shim->output.len);
                out_output->len = shim->output.len;
            }
        }
    } else if (status != HM_COMPILED_TRAP_STATUS && out_error != NULL && shim->error_message.set) {
        out_error->message = hm_strdup_host(shim, (const char *)shim->error_message.data, shim->error_message.len);
    }
}

typedef struct { const char *method; size_t method_len; const uint8_t *input; size_t input_len; } hm_request;

static void hm_handle_body(hm_shim *shim, void *argument, uint32_t *status) {
    hm_request *request = argument;
    size_t total = request->method_len + request->input_len;
    if (total > 0x7FFFFFFFu) hm_trap_with(HM_TRAP_HOST, "a request of %zu bytes does not fit a 32-bit memory", total);
    if (total > shim->request_capacity || shim->request_offset == 0) {
        uint32_t capacity = total < 256 ? 256 : (uint32_t)total;
        uint32_t offset = HM_EXPORT_ALLOC(&shim->instance, capacity);
        if (offset == 0) hm_trap_with(HM_TRAP_ALLOC_FAILED, "hypermesh_alloc could not allocate %u bytes for the request (returned 0)", capacity);
        hm_guest(shim, offset, capacity, "the request buffer hypermesh_alloc returned");
        shim->request_offset = offset;
        shim->request_capacity = capacity;
    }
    uint8_t *buffer = hm_guest(shim, shim->request_offset, (uint32_t)total, "the request buffer");
    if (request->method_len) memcpy(buffer, request->method, request->method_len);
    if (request->input_len) memcpy(buffer + request->method_len, request->input, request->input_len);
    uint32_t method_offset = shim->request_offset;
    *status = hm_guest_status(HM_EXPORT_HANDLE(&shim->instance, method_offset, (uint32_t)request->method_len,
                                               method_offset + (uint32_t)request->method_len, (uint32_t)request->input_len));
}

static hypermesh_status hm_handle(void *instance, const char *method, size_t method_len, const uint8_t *input, size_t input_len,
                                  hypermesh_bytes *out_output, hypermesh_error *out_error) {
    hm_shim *shim = instance;
    hm_request request = { method, method_len, input, input_len };
    hypermesh_status status = hm_guarded(shim, hm_handle_body, &request, "hypermesh_handle", out_error);
    hm_answer(shim, status, out_output, out_error);
    return status;
}

#define HM_NULLARY_ENTRY(name, symbol)                                                               \
    static void name##_body(hm_shim *shim, void *argument, uint32_t *status) {                       \
        (void)argument;                                                                              \
        *status = hm_guest_status(symbol(&shim->instance));                                          \
    }

#ifdef HM_EXPORT_ACTIVATE
HM_NULLARY_ENTRY(hm_activate, HM_EXPORT_ACTIVATE)
static hypermesh_status hm_activate(void *instance, hypermesh_error *out_error) {
    hm_shim *shim = instance;
    hypermesh_status status = hm_guarded(shim, hm_activate_body, NULL, "hypermesh_activate", out_error);
    hm_answer(shim, status, NULL, out_error);
    return status;
}
#endif

#ifdef HM_EXPORT_DEACTIVATE
HM_NULLARY_ENTRY(hm_deactivate, HM_EXPORT_DEACTIVATE)
static hypermesh_status hm_deactivate(void *instance, hypermesh_error *out_error) {
    hm_shim *shim = instance;
    hypermesh_status status = hm_guarded(shim, hm_deactivate_body, NULL, "hypermesh_deactivate", out_error);
    hm_answer(shim, status, NULL, out_error);
    return status;
}
#endif

#ifdef HM_EXPORT_HEALTH
HM_NULLARY_ENTRY(hm_health, HM_EXPORT_HEALTH)
static hypermesh_status hm_health(void *instance, hypermesh_bytes *out_report, hypermesh_error *out_error) {
    hm_shim *shim = instance;
    hypermesh_status status = hm_guarded(shim, hm_health_body, NULL, "hypermesh_health", out_error);
    hm_answer(shim, status, out_report, out_error);
    return status;
}
#endif

#ifdef HM_EXPORT_EXPORT_STATE
HM_NULLARY_ENTRY(hm_export_state, HM_EXPORT_EXPORT_STATE)
static hypermesh_status hm_export_state(void *instance, hypermesh_bytes *out_state, hypermesh_error *out_error) {
    hm_shim *shim = instance;
    hypermesh_status status = hm_guarded(shim, hm_export_state_body, NULL, "hypermesh_export_state", out_error);
    hm_answer(shim, status, out_state, out_error);
    return status;
}
#endif

#ifdef HM_EXPORT_IMPORT_STATE
static void hm_import_state_body(hm_shim *shim, void *argument, uint32_t *status) {
    hypermesh_bytes *state = argument;
    if (state->len > 0x7FFFFFFFu) hm_trap_with(HM_TRAP_HOST, "a state of %zu bytes does not fit a 32-bit memory", state->len);
    uint32_t offset = hm_place(shim, state->data, state->len);
    *status = hm_guest_status(HM_EXPORT_IMPORT_STATE(&shim->instance, offset, (uint32_t)state->len));
}
static hypermesh_status hm_import_state(void *instance, const uint8_t *state, size_t state_len, hypermesh_error *out_error) {
    hm_shim *shim = instance;
    hypermesh_bytes argument = { (uint8_t *)state, state_len };
    hypermesh_status status = hm_guarded(shim, hm_import_state_body, &argument, "hypermesh_import_state", out_error);
    hm_answer(shim, status, NULL, out_error);
    return status;
}
#endif

/* ---- the entry points ---- */

static const hypermesh_extension_metadata_t hm_metadata = {
    sizeof(hypermesh_extension_metadata_t), HYPERMESH_ABI_VERSION, HM_EXTENSION_ID, HM_EXTENSION_VERSION, HM_EXTENSION_NAME,
};

HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void) { return &hm_metadata; }

static void hm_noop_body(hm_shim *shim, void *argument, uint32_t *status) { (void)shim; (void)argument; *status = HYPERMESH_OK; }

HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host, hypermesh_context *context,
                                                                 hypermesh_error *out_error) {
    if (!hm_initialized) {
        wasm_rt_init();
        HM_INIT_MODULE();
    }
    hm_shim *shim = calloc(1, sizeof *shim);
    if (shim == NULL) return NULL;
    shim->host = host;
    shim->context = context;
    shim->hypermesh_imports.shim = shim;
    shim->app_imports.shim = shim;
    shim->extension.struct_size = sizeof(hypermesh_extension);
    shim->extension.instance = shim;
    shim->extension.handle = hm_handle;
#ifdef HM_EXPORT_ACTIVATE
    shim->extension.activate = hm_activate;
#endif
#ifdef HM_EXPORT_DEACTIVATE
    shim->extension.deactivate = hm_deactivate;
#endif
#ifdef HM_EXPORT_HEALTH
    shim->extension.health = hm_health;
#endif
#ifdef HM_EXPORT_EXPORT_STATE
    shim->extension.export_state = hm_export_state;
#endif
#ifdef HM_EXPORT_IMPORT_STATE
    shim->extension.import_state = hm_import_state;
#endif
    /* Instantiate now (the start function runs here), so that a module that traps at
     * instantiation fails create with its trap. */
    if (hm_guarded(shim, hm_noop_body, NULL, "instantiation", out_error) != HYPERMESH_OK) {
        free(shim);
        return NULL;
    }
    return &shim->extension;
}

HYPERMESH_EXPORT void hypermesh_extension_destroy(hypermesh_extension *extension) {
    if (extension == NULL) return;
    hm_shim *shim = extension->instance;
    hm_discard(shim);
    free(shim->output.data);
    free(shim->error_message.data);
    free(shim->last_error.data);
    free(shim);
}
"""#

    /// `hypermesh_extension.h`, as the host was built with it.
    static let abiHeader = #"""
/*
 * hypermesh_extension.h — the C contract between a HyperMesh host and a native extension.
 *
 * VERSIONING
 *   HYPERMESH_ABI_VERSION is bumped on every incompatible change. The host refuses a library whose
 *   metadata reports another ABI version, and the manifest's `abi` range must contain the host's.
 *   Every struct that crosses the boundary starts with `struct_size` (the sizeof the producer saw), so
 *   a struct can grow at the end without a version bump: a reader only touches fields that lie
 *   inside the size the producer declared. Use HYPERMESH_HAS_FIELD to test that.
 *
 * ENTRY POINTS (exported by the extension library, C linkage, default visibility)
 *   hypermesh_extension_metadata  -> static description of the library (id, version, ABI version)
 *   hypermesh_extension_create    -> one instance bound to the host API table and a context handle
 *   hypermesh_extension_destroy   -> frees that instance
 *
 * CALLS
 *   Calls are request/response on bytes: handle(instance, method, input) -> output. Payloads are
 *   JSON by convention (UTF-8), so a generic CLI can call every extension.
 *
 * OWNERSHIP — every buffer has exactly one owner:
 *   - Pointers passed *into* a function (method names, inputs, keys, values, messages) are borrowed:
 *     valid only for the duration of that call; copy what you keep.
 *   - A hypermesh_bytes filled *by the callee* (extension output, storage_get results, error
 *     messages) is allocated with the host's `alloc` and becomes the caller's; it is released with the
 *     host's `free`, exactly once. The host releases extension outputs and error messages itself; an
 *     extension releases what host functions hand it (storage_get, storage_list) with host->free.
 *   - The metadata struct and every string in it are static storage of the library.
 *   - The host API table and the context handle stay valid from create until destroy returns.
 *
 * ERRORS
 *   Functions return hypermesh_status (HYPERMESH_OK = 0). On failure the callee may fill a
 *   hypermesh_error: a status code and a UTF-8 message allocated with host->alloc, which the receiver
 *   frees with host->free. A NULL message is allowed.
 *
 * THREAD SAFETY
 *   - metadata may be called from any thread at any time.
 *   - create, destroy, activate and deactivate are never called concurrently for one instance.
 *   - handle may be called concurrently for one instance from several threads, up to the
 *     concurrency quota of its manifest (default 1: serialized). An extension that declares
 *     concurrency > 1 must make handle thread-safe.
 *   - Every host API function is thread-safe and may be called from inside handle, activate and
 *     deactivate. Each checks the caller's capability, its rate (operationsPerSecond) and its quotas
 *     first; a refusal is PERMISSION_DENIED or QUOTA_EXCEEDED, is written to the host's audit log and
 *     counts as a violation (too many suspend the extension: then every function answers
 *     UNAVAILABLE). log never fails: over the rate, lines are dropped and counted. Host API functions must not be called after destroy has started, nor from threads
 *     the extension keeps running after a call returns (the context may be gone).
 *   - Host functions never call back into the extension, so an extension may hold its own locks
 *     while calling them.
 */
#ifndef HYPERMESH_EXTENSION_H
#define HYPERMESH_EXTENSION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes. */
#define HYPERMESH_ABI_VERSION 1u

/** True if a struct whose producer declared `size` bytes contains `field`. */
#define HYPERMESH_HAS_FIELD(ptr, type, field) \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

#if defined(_WIN32)
#define HYPERMESH_EXPORT __declspec(dllexport)
#else
#define HYPERMESH_EXPORT __attribute__((visibility("default")))
#endif

/** Status codes. Values are stable; new codes are only ever added. */
typedef int32_t hypermesh_status;
#define HYPERMESH_OK                    0
#define HYPERMESH_ERR_INVALID_ARGUMENT  1  /* malformed input, bad JSON, missing field */
#define HYPERMESH_ERR_NOT_FOUND         2  /* unknown key, asset, method target */
#define HYPERMESH_ERR_UNKNOWN_METHOD    3  /* handle() does not know the method */
#define HYPERMESH_ERR_PERMISSION_DENIED 4  /* capability not granted */
#define HYPERMESH_ERR_QUOTA_EXCEEDED    5  /* quota or rate limit */
#define HYPERMESH_ERR_CONFLICT          6  /* already exists, version conflict */
#define HYPERMESH_ERR_UNAVAILABLE       7  /* host service unavailable, extension not active */
#define HYPERMESH_ERR_INTERNAL          8  /* a bug or an unexpected failure */

/** Log levels for host->log. */
typedef int32_t hypermesh_log_level;
#define HYPERMESH_LOG_TRACE   0
#define HYPERMESH_LOG_DEBUG   1
#define HYPERMESH_LOG_INFO    2
#define HYPERMESH_LOG_WARNING 3
#define HYPERMESH_LOG_ERROR   4

/** A byte buffer. When filled by a callee, `data` comes from host->alloc (see OWNERSHIP). */
typedef struct hypermesh_bytes {
    uint8_t *data;
    size_t len;
} hypermesh_bytes;

/** An error: a status and an optional message allocated with host->alloc. */
typedef struct hypermesh_error {
    hypermesh_status code;
    char *message;      /* UTF-8, NUL-terminated, may be NULL; free with host->free */
} hypermesh_error;

/** Limits for vm_execute. Zero in a field means the default. */
typedef struct hypermesh_vm_budget {
    uint32_t struct_size;       /* sizeof(hypermesh_vm_budget) as the caller saw it */
    uint32_t reserved;          /* 0 */
    uint64_t fuel;              /* fuel for the run, about one unit per WebAssembly instruction */
    uint64_t memory_bytes;      /* limit of the module's linear memory */
} hypermesh_vm_budget;

/** Opaque per-extension handle that identifies the caller to the host. Never dereference it. */
typedef struct hypermesh_context hypermesh_context;

/**
 * The host API: a table of functions handed to create. Every function that acts takes the
 * extension's context, so the host knows who is calling and checks that caller's grant.
 * New functions are appended at the end; check HYPERMESH_HAS_FIELD before using one that a
 * newer header added.
 */
typedef struct hypermesh_host_api {
    uint32_t struct_size;       /* sizeof(hypermesh_host_api) as the host saw it */
    uint32_t abi_version;       /* HYPERMESH_ABI_VERSION of the host */

    /** Allocator for every buffer that changes hands. Never returns NULL for len > 0 unless out of memory. */
    void *(*alloc)(size_t len);
    void (*free)(void *ptr);

    /** Write a log line attributed to the extension. Never fails. */
    void (*log)(hypermesh_context *ctx, hypermesh_log_level level, const char *message, size_t message_len);

    /** Key-value storage, persisted per extension. Keys are UTF-8, at most 1024 bytes. */
    hypermesh_status (*storage_get)(hypermesh_context *ctx, const char *key, size_t key_len,
                                    hypermesh_bytes *out_value, hypermesh_error *out_error);
    hypermesh_status (*storage_put)(hypermesh_context *ctx, const char *key, size_t key_len,
                                    const uint8_t *value, size_t value_len, hypermesh_error *out_error);
    hypermesh_status (*storage_delete)(hypermesh_context *ctx, const char *key, size_t key_len,
                                       hypermesh_error *out_error);
    /** Keys starting with prefix, sorted, as a JSON array of strings in out_keys_json. */
    hypermesh_status (*storage_list)(hypermesh_context *ctx, const char *prefix, size_t prefix_len,
                                     hypermesh_bytes *out_keys_json, hypermesh_error *out_error);
    /**
     * Apply several writes atomically: all or none. `batch_json` is a JSON array of
     * {"op":"put","key":K,"value":V} (V a UTF-8 string) and {"op":"delete","key":K}.
     */
    hypermesh_status (*storage_apply)(hypermesh_context *ctx, const uint8_t *batch_json, size_t batch_len,
                                      hypermesh_error *out_error);

    /** Declare that this extension handles an asset type (e.g. "catalog.document"). */
    hypermesh_status (*register_asset_type)(hypermesh_context *ctx, const char *asset_type, size_t asset_type_len,
                                            hypermesh_error *out_error);

    /** Publish an event on a topic; listeners on the host receive (extension id, topic, payload). */
    hypermesh_status (*emit_event)(hypermesh_context *ctx, const char *topic, size_t topic_len,
                                   const uint8_t *payload, size_t payload_len, hypermesh_error *out_error);

    /*
     * Added after the first release of ABI 1 (check HYPERMESH_HAS_FIELD before use).
     *
     * Files, capability fileSystemAccess: paths are relative to the extension's own data folder,
     * '/'-separated, without '.' or '..' components; absolute paths, '..' and symbolic links are
     * refused (PERMISSION_DENIED, a violation). Files count against the storageBytes quota.
     */
    /** Read a whole file (at most 16 MiB) into out_data. NOT_FOUND if it does not exist. */
    hypermesh_status (*file_read)(hypermesh_context *ctx, const char *path, size_t path_len,
                                  hypermesh_bytes *out_data, hypermesh_error *out_error);
    /** Create or replace a file, creating its folders; atomic (readers see the old or the new file). */
    hypermesh_status (*file_write)(hypermesh_context *ctx, const char *path, size_t path_len,
                                   const uint8_t *data, size_t data_len, hypermesh_error *out_error);
    /**
     * List a folder ("" or a NULL path with length 0 for the data folder) as a JSON array of
     * {"name":N,"kind":"file"|"folder"|"link"|"other","size":S}, sorted by name.
     */
    hypermesh_status (*file_list)(hypermesh_context *ctx, const char *path, size_t path_len,
                                  hypermesh_bytes *out_entries_json, hypermesh_error *out_error);
    /**
     * One HTTP request, capability networkAccess, to a host listed in the manifest's networkHosts.
     * Request JSON: {"method":"GET","url":"http://host:port/path","headers":{...},"body":"text"}.
     * Response JSON: {"status":200,"headers":{...},"body":"text"} ("bodyBase64" instead of "body"
     * when the body is not UTF-8). Bytes sent and received count against networkBytes; the request
     * fails with QUOTA_EXCEEDED the moment they would pass it. http only (no TLS in this host).
     */
    hypermesh_status (*http_request)(hypermesh_context *ctx, const uint8_t *request_json, size_t request_len,
                                     hypermesh_bytes *out_response_json, hypermesh_error *out_error);
    /**
     * Submit an operation that needs consensus, capability consensusAccess. The host's node proves
     * it (space, stake, work, time) and its validators check the four proofs; out_decision_json is
     * {"accepted":true|false,"verdicts":{"space":"...",...}}. HYPERMESH_OK means the decision was
     * taken (accepted or not); apply the operation only if "accepted" is true.
     */
    hypermesh_status (*consensus_submit)(hypermesh_context *ctx, const char *kind, size_t kind_len,
                                         const uint8_t *payload, size_t payload_len,
                                         hypermesh_bytes *out_decision_json, hypermesh_error *out_error);
    /**
     * Run one method of a WebAssembly module in the host's VM, capability vmExecution. The module
     * follows the guest ABI of docs/wasm-abi.md (exports memory, hypermesh_alloc, hypermesh_handle)
     * and may import only output, error_message, last_error and log: it gets no capability of its
     * own. It runs on a fresh instance with `budget` (NULL, or 0 in a field, for the default: the
     * caller's own CPU quota per call as fuel and its memory quota, or 64 MiB); a larger request
     * is cut to that default. out_fuel_used (may be NULL) receives the fuel the run used.
     * Errors: the module's own non-zero status with its message; QUOTA_EXCEEDED when it runs out
     * of fuel, memory or time; INVALID_ARGUMENT for a malformed module, a refused import, a trap.
     * The message starts with the wasm.* code (docs/wasm-abi.md).
     */
    hypermesh_status (*vm_execute)(hypermesh_context *ctx, const uint8_t *module, size_t module_len,
                                   const char *method, size_t method_len, const uint8_t *input, size_t input_len,
                                   const hypermesh_vm_budget *budget, hypermesh_bytes *out_output,
                                   uint64_t *out_fuel_used, hypermesh_error *out_error);

    /*
     * Added after vm_execute (check hypermesh_host_has_app_call before use).
     *
     * Call a function the embedding application added (its `app` namespace), by name: input
     * bytes in, output bytes out (JSON by convention; the function documents its own format).
     * The function needs the capability `app:<name>` (or the app capability its declaration
     * names), declared in extension.json and granted by the operator's policy like any other:
     * without it PERMISSION_DENIED, audited and counted as a violation; the rate limit and
     * suspension apply as to every function. A valid name the host does not offer is admitted
     * against `app:<name>`, then answers UNAVAILABLE (the extension may run on a host without
     * that application); a name that is not valid (a-z, 0-9, '_', '-', '.', starting with a
     * letter, at most 64 bytes) is INVALID_ARGUMENT. Other statuses are the function's own.
     */
    hypermesh_status (*app_call)(hypermesh_context *ctx, const char *name, size_t name_len,
                                 const uint8_t *input, size_t input_len,
                                 hypermesh_bytes *out_output, hypermesh_error *out_error);
} hypermesh_host_api;

/* Whether the host table has app_call (inside its struct_size and not NULL). */
static inline int hypermesh_host_has_app_call(const hypermesh_host_api *host) {
    return HYPERMESH_HAS_FIELD(host, hypermesh_host_api, app_call) && host->app_call != NULL;
}


/** Static description of the library. All strings are static, UTF-8, NUL-terminated. */
typedef struct hypermesh_extension_metadata_t {
    uint32_t struct_size;
    uint32_t abi_version;       /* must equal the host's HYPERMESH_ABI_VERSION */
    const char *id;             /* must equal the manifest's id */
    const char *version;        /* must equal the manifest's version */
    const char *name;           /* human-readable; may be NULL */
} hypermesh_extension_metadata_t;

/**
 * One live instance, returned by create and owned by the extension until destroy.
 * `handle` is required; activate, deactivate, health, export_state and import_state may be NULL.
 * Set struct_size to sizeof(hypermesh_extension): an instance built against an older header
 * (without the state hand-over entries) declares a smaller size and the host does not read them.
 */
typedef struct hypermesh_extension {
    uint32_t struct_size;
    void *instance;             /* the extension's own state; the host never touches it */

    /** Handle one request. On success fill out_output (host->alloc) or leave it empty. */
    hypermesh_status (*handle)(void *instance, const char *method, size_t method_len,
                               const uint8_t *input, size_t input_len,
                               hypermesh_bytes *out_output, hypermesh_error *out_error);
    /** Called when the extension becomes active (dependencies are active). */
    hypermesh_status (*activate)(void *instance, hypermesh_error *out_error);
    /** Called before the extension becomes inactive (dependents are already inactive). */
    hypermesh_status (*deactivate)(void *instance, hypermesh_error *out_error);
    /** Self-reported health as JSON {"status":"healthy"|"degraded"|"unhealthy","detail":"..."}. */
    hypermesh_status (*health)(void *instance, hypermesh_bytes *out_report, hypermesh_error *out_error);

    /*
     * State hand-over on hot reload (both optional; added after the first release of ABI 1).
     * When the running version has export_state and the new one has import_state, the host stops
     * admitting calls, waits for the calls in flight, calls export_state on the old instance and
     * import_state on the new one with those bytes, then routes calls to the new one. Callers wait
     * meanwhile; none fails. The format is the extension's own: version it. A non-OK status from
     * either keeps the old version serving and fails the reload with the message.
     */
    /** Serialize the instance's in-memory state into out_state (host->alloc). */
    hypermesh_status (*export_state)(void *instance, hypermesh_bytes *out_state, hypermesh_error *out_error);
    /** Take over state that an older (or the same) version exported; called after activate. */
    hypermesh_status (*import_state)(void *instance, const uint8_t *state, size_t state_len, hypermesh_error *out_error);
} hypermesh_extension;

/* Whether an instance provides the optional entries (inside its struct_size and not NULL). */
static inline int hypermesh_extension_has_health(const hypermesh_extension *extension) {
    return HYPERMESH_HAS_FIELD(extension, hypermesh_extension, health) && extension->health != NULL;
}
static inline int hypermesh_extension_has_export_state(const hypermesh_extension *extension) {
    return HYPERMESH_HAS_FIELD(extension, hypermesh_extension, export_state) && extension->export_state != NULL;
}
static inline int hypermesh_extension_has_import_state(const hypermesh_extension *extension) {
    return HYPERMESH_HAS_FIELD(extension, hypermesh_extension, import_state) && extension->import_state != NULL;
}

/* Signatures of the three entry points, for dlsym. */
typedef const hypermesh_extension_metadata_t *(*hypermesh_extension_metadata_fn)(void);
typedef hypermesh_extension *(*hypermesh_extension_create_fn)(const hypermesh_host_api *host,
                                                             hypermesh_context *context,
                                                             hypermesh_error *out_error);
typedef void (*hypermesh_extension_destroy_fn)(hypermesh_extension *extension);

/* Symbol names the host looks up. */
#define HYPERMESH_SYMBOL_METADATA "hypermesh_extension_metadata"
#define HYPERMESH_SYMBOL_CREATE   "hypermesh_extension_create"
#define HYPERMESH_SYMBOL_DESTROY  "hypermesh_extension_destroy"

/*
 * Declarations an extension implements (C extensions include this header and define them):
 *
 *   HYPERMESH_EXPORT const hypermesh_extension_metadata_t *hypermesh_extension_metadata(void);
 *   HYPERMESH_EXPORT hypermesh_extension *hypermesh_extension_create(const hypermesh_host_api *host,
 *                                                                   hypermesh_context *context,
 *                                                                   hypermesh_error *out_error);
 *   HYPERMESH_EXPORT void hypermesh_extension_destroy(hypermesh_extension *extension);
 *
 * create returns NULL on failure and may fill out_error. destroy is called exactly once per
 * successful create, after the last call into the instance has returned.
 */

#ifdef __cplusplus
}
#endif

#endif /* HYPERMESH_EXTENSION_H */
"""#
}
