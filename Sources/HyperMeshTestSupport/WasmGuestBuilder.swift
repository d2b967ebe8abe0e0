import Foundation
import HyperMeshTrust
import Synchronization

/// Builds WebAssembly guests from source for tests: C guests with `clang --target=wasm32` and
/// `wasm-ld`, Embedded Swift guests with `swiftc`, each linked with the guest kit of
/// `Examples/wasm-kit` (allocator, `hypermesh_alloc`, the `hypermesh_handle` glue).
///
/// The flags are those of `Examples/wasm-build.sh`: wasm32, MVP plus bulk memory and sign
/// extension (the feature set of `docs/wasm-abi.md`). Builds are cached within one process by
/// (kind, the SHA-256 of every input, flags): a second request copies the cached module to the new
/// `output`. All builds are serialized by one lock, so concurrent tests may call any function here.
/// Nothing is cached across processes. Outputs are overwritten.
public enum WasmGuestBuilder {
    /// `Examples/wasm-kit`: `hypermesh_guest.h`, `hypermesh_guest.c` and `swift/`.
    public static var kitDirectory: URL { ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/wasm-kit") }

    /// `Tests/Fixtures/wasm`, the test guests (see ``Fixture``).
    public static var fixturesDirectory: URL { ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/wasm") }

    /// The folder of the example `name` (e.g. `wasm-hello-c`), with its `extension.template.json`.
    public static func exampleDirectory(named name: String) -> URL {
        ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples").appendingPathComponent(name)
    }

    /// The test guests of `Tests/Fixtures/wasm`; each file's comment lists its methods.
    public enum Fixture: String, Sendable, CaseIterable {
        /// `guests.c`: noop, echo, bump, compute, spin, grow, unreachable, huge_output, oob_pointer,
        /// storage_put. Defines: `GUEST_NO_STORAGE`, `GUEST_LIFECYCLE`, `GUEST_ACTIVATE_FAILS`.
        case guests
        /// `import_undeclared.c`: imports `hypermesh.http_request` (capability networkAccess).
        case importUndeclared = "import_undeclared"
        /// `import_unknown.c`: imports `hypermesh.does_not_exist`.
        case importUnknown = "import_unknown"
        /// `import_env.c`: imports `env.abort`.
        case importEnv = "import_env"
        /// `app_guest.c`: imports `app.notify` (capability app:notify); methods notify, flood.
        case appGuest = "app_guest"

        /// The source file.
        public var source: URL { WasmGuestBuilder.fixturesDirectory.appendingPathComponent(rawValue + ".c") }
    }

    /// clang flags for every C file of a guest (before `-I`, `-D` and the file).
    public static let cFlags = [
        "--target=wasm32", "-mcpu=mvp", "-mbulk-memory", "-msign-ext", "-nostdlib", "-ffreestanding",
        "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror",
    ]

    /// swiftc flags for an Embedded Swift guest (before `-module-name`, `-c` and the files).
    public static let swiftFlags = [
        "-target", "wasm32-unknown-none-wasm", "-enable-experimental-feature", "Embedded",
        "-enable-experimental-feature", "Extern", "-wmo", "-Osize", "-parse-as-library",
        "-Xfrontend", "-disable-stack-protector", "-Xcc", "-mcpu=mvp", "-Xcc", "-mbulk-memory", "-Xcc", "-msign-ext",
    ]

    /// Compiles C `sources` with the C kit into a module at `output`. `defines` apply to every file,
    /// the kit included (an empty value defines the macro without a value; string values must be C
    /// literals, see ``ExtensionBuilder/cString(_:)``). Include paths: the kit and `Examples/c-kit`.
    /// `exports` are exported in addition to `memory`, `hypermesh_alloc`, `hypermesh_handle` and
    /// whatever the sources mark with `HM_EXPORT`. A compile or link error throws with the diagnostics.
    @discardableResult
    public static func buildC(
        sources: [URL], defines: [String: String] = [:], exports: [String] = [], output: URL
    ) throws(TestSupportError) -> URL {
        guard !sources.isEmpty else {
            throw TestSupportError(code: .invalidArgument, message: "buildC needs at least one source file")
        }
        let defineFlags = defines.sorted { $0.key < $1.key }.map { $0.value.isEmpty ? "-D\($0.key)" : "-D\($0.key)=\($0.value)" }
        let linkFlags = try exportFlags(exports)
        let inputs = sources + cKitFiles
        return try cached(kind: "c", inputs: inputs, flags: defineFlags + linkFlags, output: output) { (artifact, work) throws(TestSupportError) in
            let clang = try ToolRunner.locate(["clang"])
            var objects: [URL] = []
            for (index, source) in ([kitDirectory.appendingPathComponent("hypermesh_guest.c")] + sources).enumerated() {
                let object = work.appendingPathComponent("\(index)-\(source.deletingPathExtension().lastPathComponent).o")
                let arguments = cFlags + ["-I", kitDirectory.path, "-I", ExtensionBuilder.cKitIncludeDirectory.path]
                    + defineFlags + ["-c", source.path, "-o", object.path]
                try ToolRunner.run(clang, arguments, purpose: "compile \(source.lastPathComponent) for wasm32")
                objects.append(object)
            }
            try link(objects, flags: linkFlags, output: artifact)
        }
    }

    /// Compiles Embedded Swift `sources` with the Swift kit (`Examples/wasm-kit/swift`) as module
    /// `moduleName`, and links them with the C kit into a module at `output`. The sources define
    /// `@_cdecl("hm_handle")` (see `HyperMeshGuest.swift`).
    @discardableResult
    public static func buildSwift(
        sources: [URL], moduleName: String = "Guest", exports: [String] = [], output: URL
    ) throws(TestSupportError) -> URL {
        guard !sources.isEmpty else {
            throw TestSupportError(code: .invalidArgument, message: "buildSwift needs at least one source file")
        }
        guard moduleName.unicodeScalars.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }),
            let first = moduleName.unicodeScalars.first, !("0"..."9").contains(first)
        else {
            throw TestSupportError(code: .invalidArgument, message: "module name '\(moduleName)' is not a Swift identifier")
        }
        let swiftKit = try swiftKitFiles()
        let linkFlags = try exportFlags(exports)
        let inputs = sources + swiftKit + cKitFiles
        return try cached(kind: "swift", inputs: inputs, flags: [moduleName] + linkFlags, output: output) { (artifact, work) throws(TestSupportError) in
            let kitObject = work.appendingPathComponent("hypermesh_guest.o")
            try ToolRunner.run(
                try ToolRunner.locate(["clang"]),
                cFlags + ["-I", kitDirectory.path, "-c", kitDirectory.appendingPathComponent("hypermesh_guest.c").path, "-o", kitObject.path],
                purpose: "compile hypermesh_guest.c for wasm32")
            let swiftObject = work.appendingPathComponent("\(moduleName).o")
            try ToolRunner.run(
                try ToolRunner.locate(["swiftc"]),
                swiftFlags + ["-module-name", moduleName, "-c"] + (swiftKit + sources).map(\.path) + ["-o", swiftObject.path],
                purpose: "compile \(moduleName) with Embedded Swift for wasm32")
            try link([swiftObject, kitObject], flags: linkFlags, output: artifact)
        }
    }

    /// Builds the example `Examples/<name>` (e.g. `wasm-hello-c`, `wasm-hello-swift`): its C files
    /// with ``buildC(sources:defines:exports:output:)``, or its Swift files with
    /// ``buildSwift(sources:moduleName:exports:output:)``.
    @discardableResult
    public static func buildExample(named name: String, output: URL) throws(TestSupportError) -> URL {
        let folder = exampleDirectory(named: name)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw TestSupportError(code: .sourceMissing, message: "no example folder at \(folder.path)", cause: "\(error)")
        }
        let swift = names.filter { $0.hasSuffix(".swift") }.map { folder.appendingPathComponent($0) }
        let c = names.filter { $0.hasSuffix(".c") }.map { folder.appendingPathComponent($0) }
        if !swift.isEmpty {
            let module = String(name.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
            return try buildSwift(sources: swift, moduleName: module, output: output)
        }
        guard !c.isEmpty else {
            throw TestSupportError(code: .sourceMissing, message: "\(folder.path) holds no .c or .swift file")
        }
        return try buildC(sources: c, output: output)
    }

    /// Builds a test guest of `Tests/Fixtures/wasm` with `defines` (see ``Fixture``).
    @discardableResult
    public static func buildGuestFixture(
        _ fixture: Fixture = .guests, defines: [String: String] = [:], output: URL
    ) throws(TestSupportError) -> URL {
        try buildC(sources: [fixture.source], defines: defines, output: output)
    }

    // MARK: - Steps

    private static var cKitFiles: [URL] {
        [kitDirectory.appendingPathComponent("hypermesh_guest.c"), kitDirectory.appendingPathComponent("hypermesh_guest.h"),
         ExtensionBuilder.cKitIncludeDirectory.appendingPathComponent("hypermesh_json.h")]
    }

    private static func swiftKitFiles() throws(TestSupportError) -> [URL] {
        let folder = kitDirectory.appendingPathComponent("swift")
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".swift") }.sorted().map { folder.appendingPathComponent($0) }
        } catch {
            throw TestSupportError(code: .sourceMissing, message: "cannot list \(folder.path)", cause: "\(error)")
        }
    }

    private static func exportFlags(_ exports: [String]) throws(TestSupportError) -> [String] {
        for name in exports where name.isEmpty || name.contains(where: { $0 == "," || $0.isWhitespace }) {
            throw TestSupportError(code: .invalidArgument, message: "'\(name)' is not a symbol name to export")
        }
        return exports.map { "--export=\($0)" }
    }

    private static func link(_ objects: [URL], flags: [String], output: URL) throws(TestSupportError) {
        let arguments = ["--no-entry", "--strip-debug"] + flags + objects.map(\.path) + ["-o", output.path]
        try ToolRunner.run(try ToolRunner.locate(["wasm-ld"]), arguments, purpose: "link \(output.lastPathComponent)")
    }

    // MARK: - Cache

    private struct State {
        var artifacts: [String: URL] = [:]
        var folder: URL?
    }

    private static let state = Mutex(State())

    /// Looks `(kind, inputs, flags)` up in the cache, building on a miss with `build(artifact, work
    /// folder)`, then copies the module to `output`.
    private static func cached(
        kind: String, inputs: [URL], flags: [String], output: URL,
        build: (URL, URL) throws(TestSupportError) -> Void
    ) throws(TestSupportError) -> URL {
        try state.withLock { (state) throws(TestSupportError) -> URL in
            var key = [kind] + flags
            for input in inputs {
                guard FileManager.default.fileExists(atPath: input.path) else {
                    throw TestSupportError(code: .sourceMissing, message: "no file at \(input.path)")
                }
                do {
                    key.append(input.lastPathComponent + ":" + (try FileDigest.sha256Hex(ofFileAt: input)))
                } catch {
                    throw TestSupportError(code: .fileSystem, message: "cannot read \(input.path)", cause: "\(error)")
                }
            }
            let cacheKey = key.joined(separator: "\u{0}")
            if let artifact = state.artifacts[cacheKey], FileManager.default.fileExists(atPath: artifact.path) {
                try copy(artifact, to: output)
                return output
            }
            if state.folder == nil {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "hypermesh-wasm-builds-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
                try createDirectory(folder)
                state.folder = folder
            }
            let number = state.artifacts.count
            let work = state.folder!.appendingPathComponent("build-\(number)")
            try createDirectory(work)
            let artifact = state.folder!.appendingPathComponent("\(number)-\(output.lastPathComponent)")
            try build(artifact, work)
            state.artifacts[cacheKey] = artifact
            try copy(artifact, to: output)
            return output
        }
    }

    private static func createDirectory(_ url: URL) throws(TestSupportError) { try TestFiles.createDirectory(url) }

    private static func copy(_ source: URL, to destination: URL) throws(TestSupportError) { try TestFiles.copy(source, to: destination) }
}
