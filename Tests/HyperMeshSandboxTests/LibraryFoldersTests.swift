import Foundation
@testable import HyperMeshSandbox
import HyperMeshTestSupport
import Testing

/// What Landlock lets a worker read: the folders its payload's dependencies resolve to, and only
/// trusted ones.
@Suite struct LibraryFoldersTests {
    func compile(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["clang"] + arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "clang \(arguments)")
    }

    @Test func aPayloadsDependenciesResolveToTheSystemsLibraryFolders() throws {
        let library = try EscapeFixture.library()
        // Seen from a process that has loaded nothing yet, libc is resolved in the system's folders.
        let resolved = LibraryFolders(mappedLibraries: []).resolve(library: library.path)
        let libc = try #require(LibraryFolders.realFolder(of: "/lib/\(Self.multiarch)/libc.so.6"))
        #expect(resolved.folders.contains(libc), "\(resolved)")
        #expect(resolved.refused.isEmpty, "\(resolved)")
        #expect(!resolved.folders.contains("/"))
    }

    /// A dependency the worker has already loaded is not opened again by the loader: its folder is
    /// not allowed.
    @Test func aDependencyAlreadyLoadedIsNotAllowedAgain() throws {
        let library = try EscapeFixture.library()
        let mapped = LibraryFolders.librariesMappedNow()
        #expect(mapped.contains { $0.hasSuffix("/libc.so.6") }, "\(mapped)")
        #expect(LibraryFolders().resolve(library: library.path).folders.isEmpty)
    }

    /// An RPATH that points outside the package and the system's folders (here: a folder beside
    /// the package, as a state directory would be) is not allowed; one inside the package is.
    @Test func aDependencyOutsideTheTrustedFoldersIsRefusedAndOneInsideThePackageAllowed() throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let outside = root.appendingPathComponent("state")
        let package = root.appendingPathComponent("package")
        let inside = package.appendingPathComponent("lib")
        for folder in [outside, inside] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let source = root.appendingPathComponent("empty.c")
        try Data("int hypermesh_test_symbol(void) { return 1; }\n".utf8).write(to: source)
        try compile(["-shared", "-fPIC", source.path, "-o", outside.appendingPathComponent("libevil.so").path])
        try compile(["-shared", "-fPIC", source.path, "-o", inside.appendingPathComponent("libinside.so").path])
        let payload = package.appendingPathComponent("libpayload.so")
        try compile(["-shared", "-fPIC", source.path, "-o", payload.path,
                     "-L", outside.path, "-levil", "-L", inside.path, "-linside", "-Wl,--no-as-needed",
                     "-Wl,-rpath,\(outside.path)", "-Wl,-rpath,$ORIGIN/lib"])
        let resolved = LibraryFolders().resolve(library: payload.path)
        let realInside = try #require(LibraryFolders.realPath(inside.path))
        let realOutside = try #require(LibraryFolders.realPath(outside.path))
        #expect(resolved.folders.contains(realInside), "\(resolved)")
        #expect(!resolved.folders.contains(realOutside), "\(resolved)")
        #expect(resolved.refused.contains { $0.hasPrefix("libevil.so at ") }, "\(resolved)")
    }

    @Test func bytesThatAreNotA64BitELFYieldNoDependencies() {
        for bytes: [UInt8] in [[], [0x7F, 0x45, 0x4C], Array("not an ELF file at all, just some text here...............................".utf8),
                               [0x7F, 0x45, 0x4C, 0x46, 1, 1] + [UInt8](repeating: 0, count: 64)] {
            #expect(bytes.withUnsafeBytes { ELFDynamicSection.parse($0) } == nil)
        }
        // A header whose program headers point past the end.
        var header = [UInt8](repeating: 0, count: 64)
        header[0...5] = [0x7F, 0x45, 0x4C, 0x46, 2, 1]
        header[32] = 0xFF; header[54] = 56; header[56] = 4
        #expect(header.withUnsafeBytes { ELFDynamicSection.parse($0) } == nil)
    }

    static var multiarch: String {
        #if arch(x86_64)
        "x86_64-linux-gnu"
        #else
        "aarch64-linux-gnu"
        #endif
    }
}
