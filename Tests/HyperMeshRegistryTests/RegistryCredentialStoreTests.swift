import Foundation
import Testing
@testable import HyperMeshRegistry

@Suite("Registry credentials: HyperMesh's file and Docker's config.json")
struct RegistryCredentialStoreTests {
    @Test("Stored credentials are written 0600 atomically, read back, replaced and removed")
    func storeReadRemove() throws {
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("nested/credentials.json")
        let store = RegistryCredentialStore(file: file, dockerConfig: nil)
        #expect(try store.credentials(for: "localhost:5000") == nil)
        try store.store(RegistryCredentials(username: "alice", password: "one"), for: "localhost:5000")
        try store.store(RegistryCredentials(username: "bob", password: "two"), for: "registry.example")
        try store.store(RegistryCredentials(username: "alice", password: "three"), for: "localhost:5000")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try store.credentials(for: "localhost:5000") == RegistryCredentials(username: "alice", password: "three"))
        #expect(try store.credentials(for: "registry.example")?.username == "bob")
        try store.remove(registry: "localhost:5000")
        #expect(try store.credentials(for: "localhost:5000") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["credentials.json"],
                "no temporary file is left")
    }

    @Test("A credentials file the group can read is refused, for reading and for storing")
    func groupReadableRefused() throws {
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("credentials.json")
        let store = RegistryCredentialStore(file: file, dockerConfig: nil)
        try store.store(RegistryCredentials(username: "alice", password: "one"), for: "localhost:5000")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        #expect {
            try store.credentials(for: "localhost:5000")
        } throws: { ($0 as? RegistryError)?.code == .credentialsUnreadable && ($0 as? RegistryError)?.message.contains("chmod 600") == true }
        #expect {
            try store.store(RegistryCredentials(username: "eve", password: "x"), for: "localhost:5000")
        } throws: { ($0 as? RegistryError)?.code == .credentialsUnreadable }
    }

    @Test("A Docker config.json is read: base64 user:password, identity tokens, scheme-prefixed keys; HyperMesh's own file wins")
    func dockerConfig() throws {
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let docker = folder.appendingPathComponent("config.json")
        let auth = Data("carol:s3cr:et".utf8).base64EncodedString()
        try Data("""
        {"auths": {
          "https://registry.example:5000/v1/": {"auth": "\(auth)"},
          "token.example": {"identitytoken": "refresh-me"},
          "both.example": {"auth": "\(auth)"},
          "broken.example": {"auth": "not base64!"}
        }, "credsStore": "desktop"}
        """.utf8).write(to: docker)
        let store = RegistryCredentialStore(file: folder.appendingPathComponent("own.json"), dockerConfig: docker)
        #expect(try store.credentials(for: "registry.example:5000") == RegistryCredentials(username: "carol", password: "s3cr:et"))
        #expect(try store.credentials(for: "token.example") == RegistryCredentials(username: RegistryCredentials.identityTokenUsername, password: "refresh-me"))
        #expect(try store.credentials(for: "absent.example") == nil)
        #expect(throws: RegistryError.self) { try store.credentials(for: "broken.example") }
        try store.store(RegistryCredentials(username: "dave", password: "own"), for: "both.example")
        #expect(try store.credentials(for: "both.example")?.username == "dave")
    }
}

@Suite("WWW-Authenticate challenges")
struct RegistryAuthChallengeTests {
    @Test("A Bearer challenge with quoted values holding commas and escapes is read whole")
    func bearerWithQuotedCommas() {
        let challenges = RegistryAuthChallenge.parse(
            #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push repository:c:pull",error="say \"hi\"""#)
        #expect(challenges.count == 1)
        #expect(challenges.first?.scheme == "bearer")
        #expect(challenges.first?.realm == "https://auth.example/token")
        #expect(challenges.first?.service == "registry.example")
        #expect(challenges.first?.scope == "repository:a/b:pull,push repository:c:pull")
        #expect(challenges.first?.parameters["error"] == #"say "hi""#)
    }

    @Test("Several challenges in one header, token values, spaces and a token68 are told apart")
    func severalChallenges() {
        let challenges = RegistryAuthChallenge.parse(#"Basic realm="Registry Realm", Bearer REALM=https://a.example/t , service = reg"#)
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
        #expect(challenges[0].realm == "Registry Realm")
        #expect(challenges[1].realm == "https://a.example/t")
        #expect(challenges[1].service == "reg")
        let token68 = RegistryAuthChallenge.parse("Negotiate abc==, Basic realm=x")
        #expect(token68.map(\.scheme) == ["negotiate", "basic"])
        #expect(token68[1].realm == "x")
        #expect(RegistryAuthChallenge.parse("").isEmpty)
        #expect(RegistryAuthChallenge.parse(#"Bearer realm="unterminated"#).first?.realm == nil)
    }
}
