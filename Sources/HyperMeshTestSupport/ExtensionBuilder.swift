import Foundation
import HyperMeshTrust
import Synchronization

/// Builds extension libraries from source for tests: C fixtures with `clang`, Swift extensions
/// with `swiftc` and the ``HyperMeshExtensionKit`` sources of this repository.
///
/// Builds are cached within one process by (kind, the SHA-256 of every input, flags): a second
/// request copies the cached library to the new `output` instead of compiling again. All builds
/// are serialized by one lock, so concurrent tests may call any function here. Nothing is cached
/// across processes. Outputs are overwritten.
public enum ExtensionBuilder {
    /// The root of this repository (the folder holding `Package.swift`), derived from this file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Sources/CHyperMeshABI/include`, which holds `hypermesh_extension.h`.
    public static var abiIncludeDirectory: URL {
        repositoryRoot.appendingPathComponent("Sources/CHyperMeshABI/include")
    }

    /// `Examples/c-kit`, which holds `hypermesh_json.h`, the header-only JSON helper for C extensions.
    public static var cKitIncludeDirectory: URL {
        repositoryRoot.appendingPathComponent("Examples/c-kit")
    }

    /// `Tests/Fixtures/c/fixture_extension.c`, the configurable C test extension.
    public static var fixtureSource: URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/c/fixture_extension.c")
    }

    /// `Tests/Fixtures/c/hostile_extension.c`: an extension that tries what it should not (the
    /// security tests' subject). Configured with `HOSTILE_ID` and `HOSTILE_VERSION`.
    public static var hostileSource: URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/c/hostile_extension.c")
    }

    /// The shared-library file extension of this platform: `so` on Linux, `dylib` on macOS.
    public static var libraryFileExtension: String {
        #if os(macOS)
        "dylib"
        #else
        "so"
        #endif
    }

    /// `value` as a C string literal, for string-valued `defines`
    /// (e.g. `["FIXTURE_ID": ExtensionBuilder.cString("org.example.x")]`).
    public static func cString(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// Compiles one C file into a shared library at `output`:
    /// `clang -shared -fPIC -O1 -std=c11 -I <abi include> -D<name>[=<value>]… <source> -o <output>`.
    /// An empty value defines the macro without a value (as `1`). String values must be C literals
    /// (see ``cString(_:)``). Include paths: the ABI header and `Examples/c-kit`; `-Wall`, and
    /// warnings are errors unless `warningsAsErrors` is false. A compile error throws with the compiler's diagnostics in `output`.
    @discardableResult
    public static func buildC(
        source: URL, defines: [String: String] = [:], output: URL, warningsAsErrors: Bool = true
    ) throws(TestSupportError) -> URL {
        let flags = defines.sorted { $0.key < $1.key }.map { $0.value.isEmpty ? "-D\($0.key)" : "-D\($0.key)=\($0.value)" }
            + (warningsAsErrors ? ["-Werror"] : [])
        let headers = [cKitIncludeDirectory.appendingPathComponent("hypermesh_json.h"),
                       abiIncludeDirectory.appendingPathComponent("hypermesh_extension.h")]
        return try cached(kind: "c", inputs: [source] + headers, flags: flags, output: output) { (artifact, _) throws(TestSupportError) in
            let compiler = try ToolRunner.locate(["clang", "cc"])
            let arguments = ["-shared", "-fPIC", "-O1", "-std=c11", "-Wall",
                             "-I", abiIncludeDirectory.path, "-I", cKitIncludeDirectory.path] + flags
                + [source.path, "-o", artifact.path]
            try ToolRunner.run(compiler, arguments, purpose: "compile \(source.lastPathComponent)")
        }
    }

    /// Builds `Tests/Fixtures/c/fixture_extension.c` with `defines` (see that file for the macros).
    @discardableResult
    public static func buildFixture(defines: [String: String] = [:], output: URL) throws(TestSupportError) -> URL {
        try buildC(source: fixtureSource, defines: defines, output: output)
    }

    /// Compiles Swift sources into a shared library at `output`, as module `moduleName`.
    ///
    /// The sources `import HyperMeshExtensionKit` as usual: the Kit is first compiled (once per
    /// process) into a static library and module, which is then linked into the extension, exactly
    /// as SwiftPM does for `libCatalogExtension`. `CHyperMeshABI` is made importable through a
    /// generated module map. Uses the `swiftc` found in `PATH` (or `/opt/swift/usr/bin`), Swift 6
    /// language mode, no optimization.
    @discardableResult
    public static func buildSwift(sources: [URL], moduleName: String, output: URL) throws(TestSupportError) -> URL {
        guard isIdentifier(moduleName) else {
            throw TestSupportError(code: .invalidArgument, message: "module name '\(moduleName)' is not a Swift identifier")
        }
        guard !sources.isEmpty else {
            throw TestSupportError(code: .invalidArgument, message: "buildSwift needs at least one source file")
        }
        let kitSources = try swiftFiles(in: repositoryRoot.appendingPathComponent("Sources/HyperMeshExtensionKit"))
        let inputs = sources + kitSources + [abiIncludeDirectory.appendingPathComponent("hypermesh_extension.h")]
        return try cached(kind: "swift", inputs: inputs, flags: [moduleName], output: output) { (artifact, state) throws(TestSupportError) in
            let kit = try kitModule(sources: kitSources, state: &state)
            let arguments = swiftFlags(moduleName: moduleName) + [
                "-emit-library", "-I", kit.path, "-L", kit.path, "-lHyperMeshExtensionKit",
                "-o", artifact.path,
            ] + sources.map(\.path)
            try ToolRunner.run(try ToolRunner.locate(["swiftc"]), arguments, purpose: "compile \(moduleName)")
        }
    }

    /// Builds the Catalog extension (`Sources/CatalogExtension`) into `output`.
    @discardableResult
    public static func buildCatalog(output: URL) throws(TestSupportError) -> URL {
        let sources = try swiftFiles(in: repositoryRoot.appendingPathComponent("Sources/CatalogExtension"))
        return try buildSwift(sources: sources, moduleName: "CatalogExtension", output: output)
    }

    /// A new, empty, uniquely named folder under the system's temporary folder. The caller may
    /// delete it; nothing deletes it automatically.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hypermesh-test-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: - Cache

    private struct State {
        var artifacts: [String: URL] = [:]
        var kitModule: URL?
        var folder: URL?
    }

    private static let state = Mutex(State())

    /// Looks `(kind, inputs, flags)` up in the cache, building into a cache file with `build` on a
    /// miss, then copies the artifact to `output`.
    private static func cached(
        kind: String, inputs: [URL], flags: [String], output: URL,
        build: (URL, inout State) throws(TestSupportError) -> Void
    ) throws(TestSupportError) -> URL {
        try state.withLock { (state) throws(TestSupportError) -> URL in
            var key = [kind] + flags
            for input in inputs {
                guard FileManager.default.fileExists(atPath: input.path) else {
                    throw TestSupportError(code: .sourceMissing, message: "no file at \(input.path)")
                }
                do {
                    key.append(try FileDigest.sha256Hex(ofFileAt: input))
                } catch {
                    throw TestSupportError(code: .fileSystem, message: "cannot read \(input.path)", cause: "\(error)")
                }
            }
            let cacheKey = key.joined(separator: "\u{0}")
            let artifact = state.artifacts[cacheKey]
            if let artifact, FileManager.default.fileExists(atPath: artifact.path) {
                try copy(artifact, to: output)
                return output
            }
            let file = try cacheFolder(&state).appendingPathComponent("\(state.artifacts.count)-\(output.lastPathComponent)")
            try build(file, &state)
            state.artifacts[cacheKey] = file
            try copy(file, to: output)
            return output
        }
    }

    private static func cacheFolder(_ state: inout State) throws(TestSupportError) -> URL {
        if let folder = state.folder { return folder }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hypermesh-extension-builds-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try createDirectory(folder)
        state.folder = folder
        return folder
    }

    // MARK: - Swift

    /// Compiles the Kit into a folder of the cache (static library, module, and a module map for
    /// CHyperMeshABI) on first use; returns that folder. Runs inside the cache lock.
    private static func kitModule(sources: [URL], state: inout State) throws(TestSupportError) -> URL {
        if let folder = state.kitModule,
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("libHyperMeshExtensionKit.a").path)
        {
            return folder
        }
        let folder = try cacheFolder(&state).appendingPathComponent("kit-\(UUID().uuidString)")
        try createDirectory(folder)
        let moduleMap = """
            module CHyperMeshABI {
                header "\(abiIncludeDirectory.appendingPathComponent("hypermesh_extension.h").path)"
                export *
            }

            """
        do {
            try moduleMap.write(to: folder.appendingPathComponent("module.modulemap"), atomically: true, encoding: .utf8)
        } catch {
            throw TestSupportError(code: .fileSystem, message: "cannot write a module map into \(folder.path)", cause: "\(error)")
        }
        let arguments = swiftFlags(moduleName: "HyperMeshExtensionKit") + [
            "-I", folder.path, "-emit-module", "-emit-module-path",
            folder.appendingPathComponent("HyperMeshExtensionKit.swiftmodule").path,
            "-emit-library", "-static", "-o", folder.appendingPathComponent("libHyperMeshExtensionKit.a").path,
        ] + sources.map(\.path)
        try ToolRunner.run(try ToolRunner.locate(["swiftc"]), arguments, purpose: "compile HyperMeshExtensionKit")
        state.kitModule = folder
        return folder
    }

    private static func swiftFlags(moduleName: String) -> [String] {
        ["-parse-as-library", "-swift-version", "6", "-Onone", "-module-name", moduleName]
    }

    private static func swiftFiles(in folder: URL) throws(TestSupportError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw TestSupportError(code: .sourceMissing, message: "cannot list \(folder.path)", cause: "\(error)")
        }
        return names.filter { $0.hasSuffix(".swift") }.sorted().map { folder.appendingPathComponent($0) }
    }

    private static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    // MARK: - Files

    private static func createDirectory(_ url: URL) throws(TestSupportError) { try TestFiles.createDirectory(url) }

    private static func copy(_ source: URL, to destination: URL) throws(TestSupportError) { try TestFiles.copy(source, to: destination) }
}
