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
