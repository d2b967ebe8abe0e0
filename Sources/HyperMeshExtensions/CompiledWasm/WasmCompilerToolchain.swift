import Foundation

/// The tools the compiled tier needs: `wasm2c` (from wabt) with its runtime header `wasm-rt.h`,
/// and a C compiler (`clang`, else `cc`). Found once per process on `PATH`, or at
/// `HYPERMESH_WASM2C` and `HYPERMESH_CC` when set.
///
/// When something is missing, ``detected`` says what and the host runs compiled-tier extensions on
/// the interpreter instead, saying so in `ext inspect` and the log (`scripts/bootstrap.sh`
/// installs Debian's `wabt`; the Swift toolchain brings clang).
public struct WasmCompilerToolchain: Sendable, Hashable {
    /// The `wasm2c` executable.
    public var wasm2c: String
    /// The folder that holds `wasm-rt.h`.
    public var runtimeIncludeDirectory: String
    /// The C compiler.
    public var compiler: String
    /// The first lines of `wasm2c --version` and `<compiler> --version`: part of the compiled
    /// library's cache key, so that a new compiler recompiles.
    public var fingerprint: String

    public init(wasm2c: String, runtimeIncludeDirectory: String, compiler: String, fingerprint: String) {
        self.wasm2c = wasm2c
        self.runtimeIncludeDirectory = runtimeIncludeDirectory
        self.compiler = compiler
        self.fingerprint = fingerprint
    }

    /// The toolchain of this process, or why there is none (looked up once).
    public static let detected: Result<WasmCompilerToolchain, WasmCompilerUnavailable> = detect(environment: ProcessInfo.processInfo.environment)

    /// Looks the tools up in `environment` (`PATH`, `HYPERMESH_WASM2C`, `HYPERMESH_CC`).
    public static func detect(environment: [String: String]) -> Result<WasmCompilerToolchain, WasmCompilerUnavailable> {
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        guard let wasm2c = locate(environment["HYPERMESH_WASM2C"], names: ["wasm2c"], path: path) else {
            return .failure(WasmCompilerUnavailable(reason: environment["HYPERMESH_WASM2C"].map { "HYPERMESH_WASM2C=\($0) is not an executable" }
                ?? "wasm2c is not installed (Debian: apt-get install wabt)"))
        }
        guard let compiler = locate(environment["HYPERMESH_CC"], names: ["clang", "cc"], path: path) else {
            return .failure(WasmCompilerUnavailable(reason: environment["HYPERMESH_CC"].map { "HYPERMESH_CC=\($0) is not an executable" }
                ?? "no C compiler (clang or cc) on PATH"))
        }
        let prefix = URL(fileURLWithPath: wasm2c).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [prefix.appendingPathComponent("include").path, prefix.appendingPathComponent("include/wabt").path,
                          prefix.appendingPathComponent("share/wabt/wasm2c").path, "/usr/include", "/usr/local/include"]
        guard let include = candidates.first(where: { FileManager.default.fileExists(atPath: "\($0)/wasm-rt.h") }) else {
            return .failure(WasmCompilerUnavailable(reason: "wasm2c is at \(wasm2c) but its runtime header wasm-rt.h was not found (looked in \(candidates.joined(separator: ", ")))"))
        }
        let fingerprint = [firstLine(of: wasm2c, ["--version"]), firstLine(of: compiler, ["--version"])].joined(separator: " | ")
        return .success(WasmCompilerToolchain(wasm2c: wasm2c, runtimeIncludeDirectory: include, compiler: compiler, fingerprint: fingerprint))
    }

    private static func locate(_ explicit: String?, names: [String], path: [String]) -> String? {
        if let explicit { return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil }
        for name in names {
            for folder in path where !folder.isEmpty {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    private static func firstLine(of tool: String, _ arguments: [String]) -> String {
        guard let output = try? ToolProcess.run(tool, arguments, timeout: .seconds(30)) else { return "\(tool) (version unknown)" }
        return output.split(whereSeparator: \.isNewline).first.map(String.init) ?? tool
    }
}

/// Why the compiled tier cannot run here.
public struct WasmCompilerUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
