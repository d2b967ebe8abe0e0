/// The names of what a guest exports (see `docs/wasm-abi.md`).
public enum WasmGuestExports {
    /// The linear memory every pointer refers to. Required.
    public static let memory = "memory"
    /// `(len: i32) -> i32`: allocate in guest memory. Required.
    public static let alloc = "hypermesh_alloc"
    /// `(method_ptr, method_len, input_ptr, input_len: i32) -> i32`: handle one request. Required.
    public static let handle = "hypermesh_handle"
    /// `() -> i32`, optional.
    public static let activate = "hypermesh_activate"
    /// `() -> i32`, optional.
    public static let deactivate = "hypermesh_deactivate"
    /// `() -> i32`, optional; the report is the output it sets.
    public static let health = "hypermesh_health"

    /// `() -> i32`, optional: hot reload's state hand-over; the state is the output it sets.
    public static let exportState = "hypermesh_export_state"
    /// `(state_ptr, state_len: i32) -> i32`, optional: takes over exported state after activate.
    public static let importState = "hypermesh_import_state"

    /// The exports every guest must have.
    public static let required = [memory, alloc, handle]
}
