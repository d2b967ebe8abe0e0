import Foundation
@testable import HyperMeshExtensions
import Testing

/// Retiring a native image removes its shadow copy, and nothing else: a library mapped from its
/// package folder keeps its folder, even when that folder's path happens to contain "shadow".
@Suite struct ShadowCopyTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-tests-\(UUID().uuidString)")

    func file(_ path: String) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("library".utf8).write(to: url)
        return url
    }

    @Test func aShadowCopyIsRemovedWithItsFolder() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let copy = try ShadowCopy.make(of: try file("package/libx.so"), stateDirectory: state, extensionID: "org.x", version: "1.0.0")
        #expect(ShadowCopy.isShadowCopy(copy, stateDirectory: state))
        ShadowCopy.remove(copy, stateDirectory: state)
        #expect(!FileManager.default.fileExists(atPath: copy.deletingLastPathComponent().path))
    }

    @Test func aPackageFolderIsNeverRemoved() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        // A package installed under a path with "/shadow/" in it, and one beside the state dir.
        for path in ["opt/shadow/org.x/1.0.0-abcdef12/libx.so", "state/extensions/org.x/libx.so", "shadow/org.x/1.0.0/libx.so"] {
            let library = try file(path)
            #expect(!ShadowCopy.isShadowCopy(library, stateDirectory: state), "\(path)")
            ShadowCopy.remove(library, stateDirectory: state)
            #expect(FileManager.default.fileExists(atPath: library.path), "\(path) was removed")
        }
    }
}
