import Foundation
import HyperMeshTestSupport
import Testing
@testable import HyperMeshRegistry

@Suite("Registry authentication, TLS and plain HTTP", .timeLimit(.minutes(3)))
struct RegistryAuthenticationTests {
    /// A credential store in a fresh folder holding `credentials` for `registry`.
    static func store(_ credentials: RegistryCredentials?, for registry: String, in folder: URL) throws -> RegistryCredentialStore {
        let store = RegistryCredentialStore(file: folder.appendingPathComponent("credentials.json"), dockerConfig: nil)
        if let credentials { try store.store(credentials, for: registry) }
        return store
    }

    @Test("Basic auth with htpasswd: the right credentials push and pull; wrong or missing ones are unauthorized, saying which")
    func basicAuthentication() async throws {
        let server = try await RegistryServer.start(users: ["alice": "correct horse"])
        defer { server.stop() }
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try OCIReference(parsing: "\(server.registry)/hypermesh/private:1.0.0")

        var settings = RegistryFixture.settings()
        settings.credentials = try Self.store(RegistryCredentials(username: "alice", password: "correct horse"), for: server.registry,
                                              in: folder.appendingPathComponent("right"))
        let client = RegistryClient(settings: settings)
        let (manifest, _) = try await RegistryFixture.pushArtifact(client, to: reference, layer: RegistryFixture.bytes(1000))
        #expect(try await client.manifest(reference).bytes == manifest)
        try await client.shutdown()

        settings.credentials = try Self.store(RegistryCredentials(username: "alice", password: "wrong"), for: server.registry,
                                              in: folder.appendingPathComponent("wrong"))
        let wrong = RegistryClient(settings: settings)
        let refused = await RegistryFixture.expectFailure(.unauthorized, registry: server.registry, repository: "hypermesh/private") {
            try await wrong.manifest(reference)
        }
        #expect(refused?.message.contains("credentials were sent") == true, "\(String(describing: refused))")
        try await wrong.shutdown()

        settings.credentials = nil
        let anonymous = RegistryClient(settings: settings)
        let missing = await RegistryFixture.expectFailure(.unauthorized, registry: server.registry, repository: "hypermesh/private") {
            try await anonymous.manifest(reference)
        }
        #expect(missing?.message.contains("none were sent") == true, "\(String(describing: missing))")
        try await anonymous.shutdown()
    }

    @Test("The Bearer flow gets a token from the realm with the credentials and reuses it until it expires")
    func bearerTokenCached() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let proxy = try await RegistryFaultProxy(upstream: server, authentication: .bearer(user: "bob", password: "hunter2", expiresInSeconds: 300))
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = RegistryFixture.settings()
        settings.credentials = try Self.store(RegistryCredentials(username: "bob", password: "hunter2"), for: proxy.registry, in: folder)
        let client = RegistryClient(settings: settings)
        let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/token:1.0.0")
        let (manifest, _) = try await RegistryFixture.pushArtifact(client, to: reference, layer: RegistryFixture.bytes(500))
        #expect(proxy.tokenRequests == 1, "one token for the push scope serves every push request")
        #expect(try await client.manifest(reference).bytes == manifest)
        #expect(proxy.tokenRequests == 2, "the pull scope needs its own token")
        let requests = client.requestCount
        #expect(try await client.manifest(reference).bytes == manifest)
        #expect(proxy.tokenRequests == 2, "the cached pull token is reused")
        #expect(client.requestCount == requests + 1, "no 401 round trip once the token is cached")
        try await client.shutdown()

        settings.credentials = nil
        let anonymous = RegistryClient(settings: settings)
        let refused = await RegistryFixture.expectFailure(.unauthorized, registry: proxy.registry, repository: "hypermesh/token") {
            try await anonymous.manifest(reference)
        }
        #expect(refused?.message.contains("no credentials were sent") == true, "\(String(describing: refused))")
        try await anonymous.shutdown()
        await proxy.stop()
    }

    @Test("An expired token is replaced, and a Docker identity token is sent to the realm as an OAuth2 refresh token")
    func tokenExpiryAndIdentityToken() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let proxy = try await RegistryFaultProxy(upstream: server, authentication: .bearer(user: "<token>", password: "refresh-me", expiresInSeconds: 15))
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let docker = folder.appendingPathComponent("config.json")
        try Data(#"{"auths": {"\#(proxy.registry)": {"identitytoken": "refresh-me"}}}"#.utf8).write(to: docker)
        var settings = RegistryFixture.settings()
        settings.credentials = RegistryCredentialStore(file: folder.appendingPathComponent("own.json"), dockerConfig: docker)
        let client = RegistryClient(settings: settings)
        let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/expiry:1")
        try await RegistryFixture.pushArtifact(client, to: reference, layer: RegistryFixture.bytes(300))
        #expect(proxy.count("POST", pathContains: "/token") == 1)
        #expect(proxy.count("GET", pathContains: "/token") == 0, "an identity token never goes out as Basic credentials")
        _ = try await client.manifest(reference)
        #expect(proxy.tokenRequests == 2)
        // The expiry is long enough that the push and the first pull finish within it even on a
        // loaded machine; then it passes.
        try await Task.sleep(for: .milliseconds(15_100))
        _ = try await client.manifest(reference)
        #expect(proxy.tokenRequests == 3, "the pull token expired after its expires_in")
        try await client.shutdown()
        await proxy.stop()
    }

    @Test("A redirect to another host is followed without the Authorization header")
    func redirectDropsAuthorization() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let storage = try await RegistryFaultProxy(upstream: server)
        let proxy = try await RegistryFaultProxy(upstream: server, authentication: .basic(user: "alice", password: "pw"))
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = RegistryFixture.settings()
        settings.credentials = try Self.store(RegistryCredentials(username: "alice", password: "pw"), for: proxy.registry, in: folder)
        let client = RegistryClient(settings: settings)
        let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/redirected:1")
        let layer = RegistryFixture.bytes(9000, seed: 5)
        try await RegistryFixture.pushArtifact(client, to: reference, layer: layer)
        let descriptor = RegistryFixture.descriptor(of: layer)
        // `localhost` is another host than `127.0.0.1` for the client, as a blob store would be.
        proxy.inject(.redirect(base: "http://localhost:\(storage.port)"), method: "GET", pathContains: "/blobs/\(descriptor.digest)")
        let destination = folder.appendingPathComponent("layer")
        try await client.fetchBlob(descriptor, from: reference, to: destination, progress: nil)
        #expect(try Data(contentsOf: destination) == layer)
        #expect(proxy.authorizedCount("GET", pathContains: "/blobs/\(descriptor.digest)") == 1, "the registry got the credentials")
        #expect(storage.count("GET", pathContains: "/blobs/\(descriptor.digest)") == 1, "the blob came from the other host")
        #expect(storage.authorizedCount("GET", pathContains: "/blobs/") == 0, "the other host got no credentials")
        try await client.shutdown()
        await proxy.stop()
        await storage.stop()
    }

    @Test("A token realm over plain HTTP on a non-loopback host is refused without connecting to it")
    func insecureRealmRefused() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let proxy = try await RegistryFaultProxy(upstream: server, authentication: .bearer(
            user: nil, password: nil, expiresInSeconds: 60, realm: "http://registry.invalid:5000/token"))
        let client = RegistryClient(settings: RegistryFixture.settings())
        let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/realm:1")
        await RegistryFixture.expectFailure(.insecureRefused, registry: proxy.registry, repository: "hypermesh/realm") {
            try await client.manifest(reference)
        }
        #expect(client.requestCount == 1, "only the anonymous request to the registry went out")
        try await client.shutdown()
        await proxy.stop()
    }

    @Test("Plain HTTP to a registry that is neither loopback nor listed is refused before any request")
    func plainHTTPRefused() async throws {
        var settings = RegistryFixture.settings()
        settings.plainHTTPRequested = ["registry.invalid:5000"]
        let client = RegistryClient(settings: settings)
        let reference = try OCIReference(parsing: "registry.invalid:5000/hypermesh/hello:1.0.0")
        await RegistryFixture.expectFailure(.insecureRefused, registry: "registry.invalid:5000", repository: "hypermesh/hello") {
            try await client.manifest(reference)
        }
        let blob = Data("x".utf8)
        await RegistryFixture.expectFailure(.insecureRefused, registry: "registry.invalid:5000", repository: "hypermesh/hello") {
            try await client.pushBlob(bytes: blob, descriptor: RegistryFixture.descriptor(of: blob), to: reference)
        }
        #expect(client.requestCount == 0)
        #expect(settings.allowsPlainHTTP("127.0.0.1:5000") && settings.allowsPlainHTTP("localhost:80") && settings.allowsPlainHTTP("[::1]:5000"))
        settings.insecureRegistries = ["registry.invalid:5000"]
        #expect(try settings.scheme(for: "registry.invalid:5000") == "http")
        #expect(try settings.scheme(for: "registry.example:5000") == "https")
        try await client.shutdown()
    }

    @Test("A registry over TLS is reached with its CA bundle and unavailable with another CA's")
    func tlsWithCABundle() async throws {
        let certificates = try TestTLSCertificates()
        defer { certificates.remove() }
        let server = try await RegistryServer.start(tls: certificates)
        defer { server.stop() }
        var settings = RegistryFixture.settings(retries: 0)
        settings.caBundles = [server.registry: certificates.caBundle.path]
        let client = RegistryClient(settings: settings)
        let reference = try OCIReference(parsing: "\(server.registry)/hypermesh/tls:1.0.0")
        let (manifest, _) = try await RegistryFixture.pushArtifact(client, to: reference, layer: RegistryFixture.bytes(800))
        #expect(try await client.manifest(reference).bytes == manifest)
        try await client.shutdown()

        let otherCertificates = try TestTLSCertificates()
        defer { otherCertificates.remove() }
        settings.caBundles = [server.registry: otherCertificates.caBundle.path]
        let stranger = RegistryClient(settings: settings)
        await RegistryFixture.expectFailure(.unavailable, registry: server.registry, repository: "hypermesh/tls") {
            try await stranger.manifest(reference)
        }
        try await stranger.shutdown()
    }
}
