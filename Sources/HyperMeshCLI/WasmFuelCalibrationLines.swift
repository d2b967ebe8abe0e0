import HyperMeshWasm

/// The lines the CLI prints on stderr while the host calibrates the WebAssembly fuel rate (at the
/// first wasm load of the process, about 10 ms), whatever the log level: a pause is explained.
enum WasmFuelCalibrationLines {
    static func text(_ notice: WasmFuelRate.CalibrationNotice) -> String {
        switch notice {
        case .calibrating:
            "calibrating the WebAssembly fuel rate of this machine (once per process)…"
        case .calibrated(let rate, let duration):
            "WebAssembly fuel rate: \(rate) (calibrated in \(duration))"
        }
    }

    /// Prints each notice on `console`'s stderr (never on stdout, so `--json` output stays one document).
    static func printer(to console: Console) -> @Sendable (WasmFuelRate.CalibrationNotice) -> Void {
        { notice in console.err(text(notice)) }
    }
}
