import Foundation
import HyperMeshTestSupport
import Testing
@testable import HyperMeshRegistry

/// What the registry tests share: blobs, manifests, folders, error checks, running a tool.
enum RegistryFixture {
    /// `count` bytes that differ per `seed`.
    static func bytes(_ count: Int, seed: UInt8 = 7) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ ($0 >> 8)) })
    }

    static func descriptor(of data: Data, mediaType: String = OCIMediaType.extensionFile) -> OCIDescriptor {
        OCIDescriptor(mediaType: mediaType, digest: OCIDigest(of: data), size: Int64(data.count))
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hm-registry-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A client whose retries are quick (tests must not wait on the default backoff).
    static func settings(retries: Int = 2) -> RegistryClientSettings {
        var settings = RegistryClientSettings()
        settings.retries = retries
        settings.initialBackoff = .milliseconds(20)
        settings.connectTimeout = .seconds(3)
        settings.readTimeout = .seconds(10)
        return settings
    }

    /// Pushes a package-like artifact: a config blob, one layer and its manifest under `tag`.
    @discardableResult
    static func pushArtifact(_ client: RegistryClient, to reference: OCIReference, layer: Data) async throws -> (manifest: Data, digest: OCIDigest) {
        let config = Data(#"{"id":"org.example.hello","version":"1.0.0"}"#.utf8)
        let configDescriptor = descriptor(of: config, mediaType: OCIMediaType.extensionManifest)
        try await client.pushBlob(bytes: config, descriptor: configDescriptor, to: reference)
        let layerDescriptor = OCIDescriptor(mediaType: OCIMediaType.extensionFile, digest: OCIDigest(of: layer), size: Int64(layer.count),
                                            annotations: [OCIMediaType.titleAnnotation: "hello.wasm"])
        try await client.pushBlob(bytes: layer, descriptor: layerDescriptor, to: reference)
        let manifest = OCIImageManifest(artifactType: OCIMediaType.extensionArtifact, config: configDescriptor, layers: [layerDescriptor]).encoded()
        let digest = try await client.pushManifest(manifest, mediaType: OCIMediaType.imageManifest, to: reference)
        return (manifest, digest)
    }

    /// Runs `body`, expecting a RegistryError with `code` whose subject names the registry and
    /// repository (and `digest` when given); answers the error.
    @discardableResult
    static func expectFailure<T>(_ code: RegistryError.Code, registry: String, repository: String, digest: OCIDigest? = nil,
                                 sourceLocation: SourceLocation = #_sourceLocation,
                                 _ body: () async throws -> T) async -> RegistryError? {
        do {
            _ = try await body()
            Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
            return nil
        } catch let error as RegistryError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            let subject = error.subject ?? ""
            #expect(subject.contains(registry), "subject '\(subject)' names \(registry)", sourceLocation: sourceLocation)
            #expect(subject.contains(repository), "subject '\(subject)' names \(repository)", sourceLocation: sourceLocation)
            if let digest {
                #expect(subject.contains(digest.description), "subject '\(subject)' names \(digest)", sourceLocation: sourceLocation)
            }
            return error
        } catch {
            Issue.record("expected a RegistryError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Runs a tool to its end on a Dispatch thread (not the cooperative pool); answers its exit
    /// status and output.
    static func run(_ command: [String]) async throws -> (status: Int32?, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hm-tool-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try ChildProcess.run(command, outputPath: output.path)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        return (ChildProcess.exitStatus(status), (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}

@Suite("The registry client against a real docker-registry", .timeLimit(.minutes(3)))
struct RegistryClientTests {
    @Test("A pushed OCI manifest with an artifactType and its blobs are pulled back verified, and skopeo reads the manifest")
    func roundTrip() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let client = RegistryClient(settings: RegistryFixture.settings())
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try OCIReference(parsing: "\(server.registry)/hypermesh/hello:1.0.0")
        let layer = RegistryFixture.bytes(70_000)
        let (manifest, digest) = try await RegistryFixture.pushArtifact(client, to: reference, layer: layer)

        let fetched = try await client.manifest(reference)
        #expect(fetched.bytes == manifest)
        #expect(fetched.digest == digest)
        #expect(fetched.mediaType == OCIMediaType.imageManifest)
        let decoded = try OCIImageManifest.decode(fetched.bytes, source: "test")
        #expect(decoded.artifactType == OCIMediaType.extensionArtifact)
        let byDigest = try await client.manifest(reference.pinned(to: digest))
        #expect(byDigest.bytes == manifest)

        let destination = folder.appendingPathComponent("hello.wasm")
        let seen = ProgressLog()
        try await client.fetchBlob(decoded.layers[0], from: reference, to: destination, progress: { seen.add($0.completedBytes) })
        #expect(try Data(contentsOf: destination) == layer)
        #expect(seen.values.last == Int64(layer.count))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["hello.wasm"], "no temporary file is left")
        #expect(try await client.tags(of: reference) == ["1.0.0"])
        #expect(try await client.blobExists(decoded.config.digest, in: reference))

        let skopeo = try await RegistryFixture.run(["/usr/bin/skopeo", "inspect", "--tls-verify=false", "--raw", "docker://\(reference)"])
        #expect(skopeo.status == 0, "\(skopeo.output)")
        #expect(Data(skopeo.output.utf8) == manifest)
        try await client.shutdown()
    }

    @Test("A blob larger than the threshold is uploaded in PATCH chunks and reads back intact")
    func chunkedUpload() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let proxy = try await RegistryFaultProxy(upstream: server)
        var settings = RegistryFixture.settings()
        settings.chunkedUploadThreshold = 1000
        settings.uploadChunkBytes = 400
        let client = RegistryClient(settings: settings)
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/big:1")
        let blob = RegistryFixture.bytes(2500)
        let source = folder.appendingPathComponent("source")
        try blob.write(to: source)
        let descriptor = RegistryFixture.descriptor(of: blob)
        let seen = ProgressLog()
        try await client.pushBlob(file: source, descriptor: descriptor, to: reference, mountFrom: [], progress: { seen.add($0.completedBytes) })
        #expect(proxy.count("PATCH", pathContains: "/v2/hypermesh/big/blobs/uploads/") == 7)
        #expect(proxy.count("PUT", pathContains: "/v2/hypermesh/big/blobs/uploads/") == 1)
        #expect(seen.values == [400, 800, 1200, 1600, 2000, 2400, 2500])
        let back = folder.appendingPathComponent("back")
        try await client.fetchBlob(descriptor, from: reference, to: back, progress: nil)
        #expect(try Data(contentsOf: back) == blob)
        try await client.shutdown()
        await proxy.stop()
    }

    @Test("Pushing a blob into a second repository mounts it from the first without sending its bytes again")
    func crossRepositoryMount() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let proxy = try await RegistryFaultProxy(upstream: server)
        let client = RegistryClient(settings: RegistryFixture.settings())
        let blob = RegistryFixture.bytes(5000)
        let descriptor = RegistryFixture.descriptor(of: blob)
        let first = try OCIReference(parsing: "\(proxy.registry)/hypermesh/first:1")
        let second = try OCIReference(parsing: "\(proxy.registry)/hypermesh/second:1")
        try await client.pushBlob(bytes: blob, descriptor: descriptor, to: first)
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("blob")
        try blob.write(to: file)
        try await client.pushBlob(file: file, descriptor: descriptor, to: second, mountFrom: ["hypermesh/first"], progress: nil)
        #expect(proxy.count("POST", pathContains: "/v2/hypermesh/second/blobs/uploads/") == 1)
        #expect(proxy.count("PUT", pathContains: "/v2/hypermesh/second/") == 0)
        #expect(proxy.count("PATCH", pathContains: "/v2/hypermesh/second/") == 0)
        #expect(try await client.blobExists(descriptor.digest, in: second))
        try await client.shutdown()
        await proxy.stop()
    }

    @Test("A blob the repository already has is skipped after one HEAD")
    func existingBlobSkipped() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let proxy = try await RegistryFaultProxy(upstream: server)
        let client = RegistryClient(settings: RegistryFixture.settings())
        let blob = RegistryFixture.bytes(3000, seed: 3)
        let descriptor = RegistryFixture.descriptor(of: blob)
        let reference = try OCIReference(parsing: "\(proxy.registry)/hypermesh/skip:1")
        try await client.pushBlob(bytes: blob, descriptor: descriptor, to: reference)
        let posts = proxy.count("POST", pathContains: "/blobs/uploads/")
        let puts = proxy.count("PUT", pathContains: "/blobs/uploads/")
        let before = client.requestCount
        try await client.pushBlob(bytes: blob, descriptor: descriptor, to: reference)
        #expect(client.requestCount == before + 1)
        #expect(proxy.count("HEAD", pathContains: "/v2/hypermesh/skip/blobs/\(descriptor.digest)") == 2)
        #expect(proxy.count("POST", pathContains: "/blobs/uploads/") == posts)
        #expect(proxy.count("PUT", pathContains: "/blobs/uploads/") == puts)
        try await client.shutdown()
        await proxy.stop()
    }

    @Test("A missing manifest and a missing blob are notFound, naming registry, repository and digest")
    func missingContent() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let client = RegistryClient(settings: RegistryFixture.settings())
        let reference = try OCIReference(parsing: "\(server.registry)/hypermesh/absent:9.9.9")
        await RegistryFixture.expectFailure(.notFound, registry: server.registry, repository: "hypermesh/absent") {
            try await client.manifest(reference)
        }
        let folder = try RegistryFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let descriptor = RegistryFixture.descriptor(of: Data("nothing".utf8))
        await RegistryFixture.expectFailure(.notFound, registry: server.registry, repository: "hypermesh/absent", digest: descriptor.digest) {
            try await client.fetchBlob(descriptor, from: reference, to: folder.appendingPathComponent("x"), progress: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(try await client.blobExists(descriptor.digest, in: reference) == false)
        try await client.shutdown()
    }
}

/// Progress values seen, from any thread.
final class ProgressLog: Sendable {
    private let storage = Mutex<[Int64]>([])
    func add(_ value: Int64) { storage.withLock { $0.append(value) } }
    var values: [Int64] { storage.withLock { $0 } }
}

import Synchronization
