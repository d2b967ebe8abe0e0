import Foundation
import HyperMeshTestSupport
import Testing
@testable import HyperMeshRegistry

@Suite("Registry faults: typed errors or recovery", .timeLimit(.minutes(3)))
struct RegistryFaultTests {
    /// A registry with one artifact pushed, a proxy in front, a client through the proxy.
    struct Setup {
        let server: RegistryServer
        let proxy: RegistryFaultProxy
        let client: RegistryClient
        let reference: OCIReference
        let layer: Data
        let layerDescriptor: OCIDescriptor
        let folder: URL

        static func start(settings: RegistryClientSettings = RegistryFixture.settings(), layerBytes: Int = 40_000) async throws -> Setup {
            let server = try await RegistryServer.start()
            let proxy = try await RegistryFaultProxy(upstream: server)
            let client = RegistryClient(settings: settings)
            let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/faulty:1.0.0")
            let layer = RegistryFixture.bytes(layerBytes, seed: 11)
            try await RegistryFixture.pushArtifact(client, to: reference, layer: layer)
            return Setup(server: server, proxy: proxy, client: client, reference: reference, layer: layer,
                         layerDescriptor: RegistryFixture.descriptor(of: layer), folder: try RegistryFixture.folder())
        }

        var blobPath: String { "/blobs/\(layerDescriptor.digest)" }

        func stop() async {
            try? await client.shutdown()
            await proxy.stop()
            server.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// Fetches the layer into the folder and expects `code`, and no file left behind.
        func expectFetchFailure(_ code: RegistryError.Code, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let destination = folder.appendingPathComponent("layer")
            await RegistryFixture.expectFailure(code, registry: proxy.registry, repository: "hypermesh/faulty", digest: layerDescriptor.digest,
                                                sourceLocation: sourceLocation) {
                try await client.fetchBlob(layerDescriptor, from: reference, to: destination, progress: nil)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "refused blobs and temporary files are deleted",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("A blob with one flipped byte is refused as a digest mismatch and deleted")
    func flippedByte() async throws {
        let setup = try await Setup.start()
        setup.proxy.inject(.flipByte(at: 1234), method: "GET", pathContains: setup.blobPath)
        try await setup.expectFetchFailure(.digestMismatch)
        await setup.stop()
    }

    @Test("A truncated blob is refused as a size mismatch and deleted")
    func truncatedBlob() async throws {
        let setup = try await Setup.start()
        setup.proxy.inject(.truncate(keepingBytes: 1000), method: "GET", pathContains: setup.blobPath)
        try await setup.expectFetchFailure(.sizeMismatch)
        await setup.stop()
    }

    @Test("A blob larger than its descriptor says is refused as too large before it is all read")
    func blobLargerThanDescriptor() async throws {
        let setup = try await Setup.start()
        var small = setup.layerDescriptor
        small.size = 100
        let destination = setup.folder.appendingPathComponent("layer")
        await RegistryFixture.expectFailure(.tooLarge, registry: setup.proxy.registry, repository: "hypermesh/faulty", digest: small.digest) {
            try await setup.client.fetchBlob(small, from: setup.reference, to: destination, progress: nil)
        }
        var huge = setup.layerDescriptor
        huge.size = 3 << 30
        let before = setup.client.requestCount
        await RegistryFixture.expectFailure(.tooLarge, registry: setup.proxy.registry, repository: "hypermesh/faulty", digest: huge.digest) {
            try await setup.client.fetchBlob(huge, from: setup.reference, to: destination, progress: nil)
        }
        #expect(setup.client.requestCount == before, "a descriptor over the limit is refused before any request")
        await setup.stop()
    }

    @Test("A manifest served with another Content-Type is refused as a media type mismatch")
    func lyingContentType() async throws {
        let setup = try await Setup.start()
        setup.proxy.inject(.contentType("text/html"), method: "GET", pathContains: "/manifests/")
        await RegistryFixture.expectFailure(.mediaTypeMismatch, registry: setup.proxy.registry, repository: "hypermesh/faulty") {
            try await setup.client.manifest(setup.reference)
        }
        await setup.stop()
    }

    @Test("A manifest whose bytes do not match Docker-Content-Digest or the pinned digest is refused")
    func manifestDigestMismatch() async throws {
        let setup = try await Setup.start()
        setup.proxy.inject(.flipByte(at: 3), method: "GET", pathContains: "/manifests/")
        await RegistryFixture.expectFailure(.digestMismatch, registry: setup.proxy.registry, repository: "hypermesh/faulty") {
            try await setup.client.manifest(setup.reference)
        }
        await setup.stop()
    }

    @Test("An oversized manifest is refused as too large, by Content-Length and while streaming")
    func oversizedManifest() async throws {
        var settings = RegistryFixture.settings()
        settings.maximumManifestBytes = 2048
        let setup = try await Setup.start(settings: settings)
        setup.proxy.inject(.oversizedManifest(bytes: 100_000, declaringLength: true), method: "GET", pathContains: "/manifests/")
        await RegistryFixture.expectFailure(.tooLarge, registry: setup.proxy.registry, repository: "hypermesh/faulty") {
            try await setup.client.manifest(setup.reference)
        }
        setup.proxy.inject(.oversizedManifest(bytes: 100_000, declaringLength: false), method: "GET", pathContains: "/manifests/")
        let streamed = await RegistryFixture.expectFailure(.tooLarge, registry: setup.proxy.registry, repository: "hypermesh/faulty") {
            try await setup.client.manifest(setup.reference)
        }
        #expect(streamed?.message.contains("more than the limit") == true)
        await setup.stop()
    }

    @Test("429 with Retry-After is retried and then succeeds; still 429 after the retries is rateLimited")
    func rateLimited() async throws {
        var settings = RegistryFixture.settings(retries: 1)
        settings.maximumRetryAfter = .seconds(1)
        let setup = try await Setup.start(settings: settings)
        setup.proxy.inject(.status(429, retryAfterSeconds: 1), method: "GET", pathContains: "/manifests/")
        let before = setup.proxy.count("GET", pathContains: "/manifests/")
        _ = try await setup.client.manifest(setup.reference)
        #expect(setup.proxy.count("GET", pathContains: "/manifests/") == before + 2)
        setup.proxy.inject(.status(429, retryAfterSeconds: 1), method: "GET", pathContains: "/manifests/", times: 2)
        await RegistryFixture.expectFailure(.rateLimited, registry: setup.proxy.registry, repository: "hypermesh/faulty") {
            try await setup.client.manifest(setup.reference)
        }
        await setup.stop()
    }

    @Test("503 once is retried and succeeds; 503 on every attempt is unavailable")
    func serviceUnavailable() async throws {
        let setup = try await Setup.start(settings: RegistryFixture.settings(retries: 2))
        setup.proxy.inject(.status(503, retryAfterSeconds: nil), method: "GET", pathContains: setup.blobPath)
        let destination = setup.folder.appendingPathComponent("layer")
        try await setup.client.fetchBlob(setup.layerDescriptor, from: setup.reference, to: destination, progress: nil)
        #expect(try Data(contentsOf: destination) == setup.layer)
        try FileManager.default.removeItem(at: destination)
        setup.proxy.inject(.status(503, retryAfterSeconds: nil), method: "GET", pathContains: setup.blobPath, times: 3)
        try await setup.expectFetchFailure(.unavailable)
        await setup.stop()
    }

    @Test("A connection dropped mid-blob is resumed with a Range request and the blob verifies")
    func droppedConnectionResumes() async throws {
        let setup = try await Setup.start(layerBytes: 200_000)
        setup.proxy.inject(.dropConnection(afterBytes: 50_000), method: "GET", pathContains: setup.blobPath)
        let destination = setup.folder.appendingPathComponent("layer")
        try await setup.client.fetchBlob(setup.layerDescriptor, from: setup.reference, to: destination, progress: nil)
        #expect(try Data(contentsOf: destination) == setup.layer)
        let ranges = setup.proxy.rangeRequests
        #expect(ranges.count == 1, "\(ranges)")
        // The proxy sends 50 000 bytes before it closes; how many of them reach the client before
        // the close is up to the kernel, so the resume point is anywhere in (0, 50 000].
        let start = ranges.first.flatMap { $0.split(separator: "=").last }.flatMap { Int($0.dropLast()) }
        #expect(start.map { (1...50_000).contains($0) } == true, "\(ranges)")
        await setup.stop()
    }

    @Test("A registry that is down is unavailable, naming it, after the bounded retries")
    func registryDown() async throws {
        let server = try await RegistryServer.start()
        let registry = server.registry
        server.stop()
        var settings = RegistryFixture.settings(retries: 2)
        // Long enough that waiting on it even once would be unmistakable on a loaded machine.
        settings.connectTimeout = .seconds(30)
        let client = RegistryClient(settings: settings)
        let reference = try OCIReference(parsing: "\(registry)/hypermesh/gone:1")
        let started = ContinuousClock.now
        let error = await RegistryFixture.expectFailure(.unavailable, registry: registry, repository: "hypermesh/gone") {
            try await client.manifest(reference)
        }
        #expect(error?.message.contains(registry) == true)
        #expect(client.requestCount == 3, "one attempt and two retries")
        // "Quickly": a refused connection is not waited on until the connect timeout (30 s here; a
        // bound, not a measurement: it holds on a loaded machine, and fails if any attempt waits).
        #expect(ContinuousClock.now - started < .seconds(25))
        try await client.shutdown()
    }
}
