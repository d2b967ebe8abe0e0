import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// The compiled tier's compiler: a module's bytes → `wasm2c` → C → the C compiler (`-O2`) → a
/// native extension library (``CompiledWasmShimSource`` supplies the glue), kept in a cache folder
/// and reused by every later load.
///
/// The cache key is the SHA-256 of the module's digest, the extension's id, version and name
/// (baked into the library's metadata), the memory and table limits (baked into its runtime), the
/// toolchain's versions and the glue's source: the same module under the same limits compiles
/// once per host, whatever the number of loads, activations or restarts. Each library has a
/// `.sha256` file beside it; a library whose bytes no longer match is compiled again.
///
/// Blocking (seconds for a large module): call it from the registry's executor, never from the
/// cooperative pool. Two hosts compiling the same key at once both succeed (each writes a temporary
/// file and renames it into place).
///
/// Not guaranteed: the cache is never trimmed (one library per key; remove the folder to reclaim
/// it); the compile time of a module is bounded only by ``timeout``.
enum WasmModuleCompiler {
    /// What one compilation step may take before it is killed.
    static let timeout: Duration = .seconds(300)
    /// Native stack a guest call may use below the entry's frame before `wasm.trap` (call stack
    /// exhausted): every translated function compares its frame address with the limit (see
    /// ``boundedStackPrologue``) instead of relying on a guard page and a signal handler.
    static let stackBudgetBytes = 1 << 20

    /// What replaces wasm2c's empty function prologue (the one it uses without call counting): a
    /// comparison of the frame address with the glue's `hm_stack_limit`. Counting calls instead
    /// (wasm2c's own `WASM_RT_USE_STACK_DEPTH_COUNT`) costs twice as much on call-heavy code
    /// (fib(27): 2.0 against 1.35 ms here), as the counter is a global updated on entry and exit.
    static let emptyPrologue = "#else\n#define FUNC_PROLOGUE\n"
    static let boundedStackPrologue = """
        #else
        extern char *hm_stack_limit;
        #define FUNC_PROLOGUE if (UNLIKELY((char *)__builtin_frame_address(0) < hm_stack_limit)) TRAP(EXHAUSTION)

        """

    struct Library: Sendable {
        /// The library in the cache.
        var path: URL
        var cacheKey: String
        /// Whether this load compiled it (false: a cache hit).
        var compiledNow: Bool
        /// Seconds the compilation took (0 on a hit).
        var compileSeconds: Double
    }

    static func library(
        module bytes: [UInt8], digest: String, manifest: Manifest, memoryLimitBytes: UInt64, tableLimit: Int,
        toolchain: WasmCompilerToolchain, cacheDirectory: URL
    ) throws(ExtensionError) -> Library {
        let id = manifest.id
        let pages = memoryLimitBytes / 65_536
        let keyText = ["glue", FileDigest.sha256Hex(of: Array(CompiledWasmShimSource.shim.utf8)), digest, id, manifest.version.description,
                       manifest.name, String(pages), String(tableLimit), toolchain.fingerprint, String(stackBudgetBytes)].joined(separator: "\n")
        let key = FileDigest.sha256Hex(of: Array(keyText.utf8))
        let library = cacheDirectory.appendingPathComponent("\(key).so")
        let sidecar = cacheDirectory.appendingPathComponent("\(key).so.sha256")
        if let expected = try? String(contentsOf: sidecar, encoding: .utf8),
           let actual = try? FileDigest.sha256Hex(ofFileAt: library),
           actual == expected.trimmingCharacters(in: .whitespacesAndNewlines) {
            return Library(path: library, cacheKey: key, compiledNow: false, compileSeconds: 0)
        }
        let started = ContinuousClock.now
        let work = cacheDirectory.appendingPathComponent("build-\(key.prefix(16))-\(UUID().uuidString.prefix(8))")
        func fail(_ what: String, _ cause: String) -> ExtensionError {
            ExtensionError(.wasmCompileFailed, extensionID: id, "the compiled tier could not \(what)", cause: cause)
        }
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw fail("create its work folder \(work.path)", "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: work) }
        let moduleFile = work.appendingPathComponent("module.wasm")
        do {
            try Data(bytes).write(to: moduleFile)
            try CompiledWasmShimSource.shim.appending("\n").write(to: work.appendingPathComponent("hm_wasm_shim.c"), atomically: false, encoding: .utf8)
            try CompiledWasmShimSource.abiHeader.appending("\n").write(to: work.appendingPathComponent("hypermesh_extension.h"), atomically: false, encoding: .utf8)
        } catch {
            throw fail("write its sources to \(work.path)", "\(error)")
        }
        do throws(ToolProcess.Failure) {
            _ = try ToolProcess.run(toolchain.wasm2c, [moduleFile.path, "-n", CompiledWasmConfig.moduleName, "-o", work.appendingPathComponent("module.c").path],
                                    timeout: timeout)
        } catch {
            throw fail("translate the module with wasm2c", error.description)
        }
        let header: String
        do {
            header = try String(contentsOf: work.appendingPathComponent("module.h"), encoding: .utf8)
            let source = work.appendingPathComponent("module.c")
            let translated = try String(contentsOf: source, encoding: .utf8)
            guard let prologue = translated.range(of: emptyPrologue) else {
                throw ExtensionError(.wasmCompileFailed, extensionID: id,
                                     "wasm2c's output has no '#define FUNC_PROLOGUE' to bound the stack with (a wasm2c other than wabt 1.0.3x?)")
            }
            try translated.replacingCharacters(in: prologue, with: boundedStackPrologue).write(to: source, atomically: false, encoding: .utf8)
        } catch {
            throw fail("read and prepare wasm2c's output", "\(error)")
        }
        let config: String
        do throws(CompiledWasmConfig.Problem) {
            config = try CompiledWasmConfig(header: header).header(
                moduleHeader: "module.h", id: id, version: manifest.version.description, name: manifest.name,
                memoryLimitPages: pages, tableLimit: tableLimit)
        } catch {
            throw fail("link the module's symbols", error.description)
        }
        do {
            try config.write(to: work.appendingPathComponent("hm_config.h"), atomically: false, encoding: .utf8)
        } catch {
            throw fail("write hm_config.h", "\(error)")
        }
        let output = work.appendingPathComponent("library.so")
        let arguments = [
            "-O2", "-std=gnu11", "-shared", "-fPIC", "-fvisibility=hidden", "-Wl,-z,defs", "-w",
            "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0", "-DWASM_RT_USE_STACK_DEPTH_COUNT=0", "-DHM_STACK_BUDGET=\(stackBudgetBytes)",
            "-I", work.path, "-I", toolchain.runtimeIncludeDirectory,
            work.appendingPathComponent("module.c").path, work.appendingPathComponent("hm_wasm_shim.c").path,
            "-o", output.path,
        ]
        do throws(ToolProcess.Failure) {
            _ = try ToolProcess.run(toolchain.compiler, arguments, timeout: timeout)
        } catch {
            throw fail("compile the translated module", error.description)
        }
        do {
            let digest = try FileDigest.sha256Hex(ofFileAt: output)
            let temporarySidecar = work.appendingPathComponent("library.so.sha256")
            try digest.write(to: temporarySidecar, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: output.path)
            // The library first, then its digest: a reader that finds the digest finds its library.
            if rename(output.path, library.path) != 0 || rename(temporarySidecar.path, sidecar.path) != 0 {
                throw ExtensionError(.wasmCompileFailed, extensionID: id, "rename into \(cacheDirectory.path) failed: errno \(errno)")
            }
        } catch {
            throw fail("store the library in \(cacheDirectory.path)", "\(error)")
        }
        let elapsed = started.duration(to: .now)
        return Library(path: library, cacheKey: key, compiledNow: true,
                       compileSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
