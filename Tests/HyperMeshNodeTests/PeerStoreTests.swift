import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HyperMeshRegistry
import HyperMeshTestSupport
import Testing
@testable import HyperMeshNode

/// The node's store as the fleet's peers read it (`/v2/`, by digest, with the peer token), on a
/// router that has only the peer store in front of one other route.
@Suite("The peer store: the OCI read API over a node's store")
struct PeerStoreTests {
    let root = ExtensionBuilder.temporaryDirectory()
    let token = "peer-token-0123456789abcdef"

    /// A store holding one manifest and one 64-byte blob; the router under test.
    func app(maximumConcurrentUploads: Int = 4) throws -> (some ApplicationProtocol, manifest: OCIDigest, blob: OCIDigest, bytes: Data) {
        let store = try PackageStore(stateDirectory: root)
        let bytes = Data((0..<64).map { UInt8($0) })
        let blob = OCIDigest(of: bytes)
        try store.layout.putBlob(bytes, as: OCIDescriptor(mediaType: "application/octet-stream", digest: blob, size: Int64(bytes.count)))
        let manifestBytes = Data(#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}"#.utf8)
        let manifest = OCIDigest(of: manifestBytes)
        try store.layout.putBlob(manifestBytes, as: OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: manifest, size: Int64(manifestBytes.count)))
        let router = Router()
        router.middlewares.add(PeerStoreMiddleware(layout: store.layout, token: token, maximumConcurrentUploads: maximumConcurrentUploads))
        router.get("/v1/ping") { _, _ in "pong" }
        return (Application(router: router), manifest, blob, bytes)
    }

    var basic: String { "Basic " + Data("fleet:\(token)".utf8).base64EncodedString() }

    @Test("without the peer token: 401 with a Basic challenge; a wrong token too; Basic or Bearer with it: the API answers")
    func tokenRequired() async throws {
        let (app, _, _, _) = try app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Basic realm=\"hypermesh-fleet\"")
            }
            let wrong = "Basic " + Data("fleet:not-the-token".utf8).base64EncodedString()
            try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: wrong]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
            }
            // Other paths are not the peer store's.
            try await client.execute(uri: "/v1/ping", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("manifests and blobs by digest, with their digest header; HEAD has no body; a Range resumes; a tag, an unknown digest and a write are refused")
    func contentByDigest() async throws {
        let (app, manifest, blob, bytes) = try app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/any/name/manifests/\(manifest)", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == OCIMediaType.imageManifest)
                #expect(response.headers[HTTPField.Name("Docker-Content-Digest")!] == manifest.description)
            }
            try await client.execute(uri: "/v2/x/blobs/\(blob)", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .ok)
                #expect(Data(buffer: response.body) == bytes)
            }
            try await client.execute(uri: "/v2/x/blobs/\(blob)", method: .head, headers: [.authorization: basic]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == "64")
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/v2/x/blobs/\(blob)", method: .get, headers: [.authorization: basic, .range: "bytes=60-"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 60-63/64")
                #expect(Data(buffer: response.body) == bytes.suffix(4))
            }
            try await client.execute(uri: "/v2/x/manifests/1.0.0", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("MANIFEST_UNKNOWN"))
            }
            let unknown = OCIDigest(of: Data("nothing".utf8))
            try await client.execute(uri: "/v2/x/blobs/\(unknown)", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("BLOB_UNKNOWN"))
            }
            try await client.execute(uri: "/v2/x/blobs/uploads/", method: .post, headers: [.authorization: basic]) { response in
                #expect(response.status == .methodNotAllowed)
            }
        }
    }

    @Test("a node already sending its maximum of blobs answers 429 with Retry-After, so the asker goes elsewhere")
    func busy() async throws {
        let (app, _, blob, _) = try app(maximumConcurrentUploads: 0)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/x/blobs/\(blob)", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
            }
        }
    }
}
