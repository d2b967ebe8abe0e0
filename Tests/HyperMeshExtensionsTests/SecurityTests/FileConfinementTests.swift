import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import Testing

/// The file functions stay inside the extension's data folder: `..`, absolute paths and links
/// are refused as violations; the host goes on.
@Suite struct FileConfinementTests {
    func start() async throws -> (SecurityHost, ExtensionRegistry) {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["fileSystemAccess"]])
        let registry = try await host.start()
        try await registry.activate(SecurityHost.hostileID)
        return (host, registry)
    }

    @Test func filesAreWrittenReadAndListedInsideTheDataFolder() async throws {
        let (host, registry) = try await start()
        #expect(try await registry.callText(SecurityHost.hostileID, "file_write", #"{"path":"notes/today.txt","data":"hello"}"#) == "{}")
        #expect(try await registry.callText(SecurityHost.hostileID, "file_read", "notes/today.txt") == "hello")
        let listing = try await registry.callText(SecurityHost.hostileID, "file_list", "notes")
        #expect(listing == #"[{"kind":"file","name":"today.txt","size":5}]"#)
        let onDisk = try String(contentsOf: host.filesDirectory(of: SecurityHost.hostileID).appendingPathComponent("notes/today.txt"), encoding: .utf8)
        #expect(onDisk == "hello")
        await registry.shutdown()
    }

    @Test(arguments: ["../outside.txt", "notes/../../outside.txt", "/etc/passwd"])
    func pathsThatLeaveTheFolderAreRefusedAsViolations(_ path: String) async throws {
        let (host, registry) = try await start()
        let error = try #require(await registry.failure(SecurityHost.hostileID, "file_read", path))
        #expect(error.message.hasSuffix("PERMISSION_DENIED"), "\(error)")
        let denial = try #require(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.denial]).first)
        #expect(denial.details["violation"] == "path_escape")
        #expect(try await registry.state(of: SecurityHost.hostileID) == .active)
        await registry.shutdown()
    }

    @Test func aLinkOutOfTheFolderIsNeverFollowed() async throws {
        let (host, registry) = try await start()
        let folder = host.filesDirectory(of: SecurityHost.hostileID)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let secret = host.root.appendingPathComponent("secret.txt")
        try Data("operator secret".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("secret").path, withDestinationPath: secret.path)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up").path, withDestinationPath: host.root.path)

        for path in ["secret", "up/secret.txt"] {
            let error = try #require(await registry.failure(SecurityHost.hostileID, "file_read", path))
            #expect(error.message.hasSuffix("PERMISSION_DENIED"), "\(path): \(error)")
            #expect(error.cause?.contains("symbolic link") == true, "\(path): \(error)")
        }
        // Writing through the link replaces the link itself, never its target.
        _ = try await registry.callText(SecurityHost.hostileID, "file_write", #"{"path":"secret","data":"overwritten"}"#)
        #expect(try String(contentsOf: secret, encoding: .utf8) == "operator secret")
        let error = try #require(await registry.failure(SecurityHost.hostileID, "file_write", #"{"path":"up/planted.txt","data":"x"}"#))
        #expect(error.message.hasSuffix("PERMISSION_DENIED"))
        #expect(!FileManager.default.fileExists(atPath: host.root.appendingPathComponent("planted.txt").path))
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.denial]).count == 3)
        await registry.shutdown()
    }

    @Test(arguments: ["", "a//b", "./a", "a\\b"])
    func malformedPathsAreInvalidArguments(_ path: String) async throws {
        let (_, registry) = try await start()
        let error = try #require(await registry.failure(SecurityHost.hostileID, "file_read", path))
        #expect(error.message.hasSuffix("INVALID_ARGUMENT"), "\(error)")
        await registry.shutdown()
    }

    @Test func aMissingFileIsNotFound() async throws {
        let (_, registry) = try await start()
        let error = try #require(await registry.failure(SecurityHost.hostileID, "file_read", "nothing-here.txt"))
        #expect(error.message.hasSuffix("NOT_FOUND"))
        await registry.shutdown()
    }
}
