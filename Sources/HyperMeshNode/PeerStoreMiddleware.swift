package import Foundation
import Hummingbird
import HyperMeshCLI
import HyperMeshRegistry
import Synchronization

/// Serves this node's package store, read-only, to the other nodes of its fleet over the OCI
/// distribution read API, on the node's TCP endpoint beside the admin API:
///
/// - `GET /v2/` (the API check);
/// - `GET|HEAD /v2/<name>/manifests/<digest>` and `GET|HEAD /v2/<name>/blobs/<digest>`: by digest
///   only (a tag is refused: a peer is asked for content, never for what a name means). `<name>`
///   is not looked at: the store is content-addressed.
///
/// Every request needs the fleet's peer token (`--fleet-token-file`), as HTTP Basic (any user name,
/// the token as password: what a registry client sends after the `WWW-Authenticate: Basic`
/// challenge) or as `Bearer <token>`. The node's admin token is not accepted here, and the peer
/// token is not accepted by the admin API.
///
/// At most ``maximumConcurrentUploads`` blob bodies are sent at once (default 4); one more is
/// answered 429 with `Retry-After: 1`, so that the asking node turns to another peer or the registry
/// instead of queueing. A blob request may carry `Range: bytes=N-` (resuming a dropped transfer).
///
/// What a peer serves is what its store keeps, and the store keeps only blobs whose digest was
/// checked on the way in; the asking node checks every digest again, and the package's signature,
/// so a peer cannot inject anything: it can only waste the asker's time.
///
/// Not guaranteed: a blob removed by `store gc` while it is being sent ends the transfer early (the
/// asker sees a short body and goes elsewhere); the token crosses the network in clear unless the
/// node listens on loopback (the node's TCP endpoint is plain HTTP).
struct PeerStoreMiddleware<Context: RequestContext>: RouterMiddleware {
    let layout: OCILayout
    let token: String
    let maximumConcurrentUploads: Int
    private let uploads: PeerUploadCounter
    private let fileIO = FileIO()

    init(layout: OCILayout, token: String, maximumConcurrentUploads: Int = 4) {
        self.layout = layout
        self.token = token
        self.maximumConcurrentUploads = maximumConcurrentUploads
        self.uploads = PeerUploadCounter()
    }

    /// The largest manifest this node hands out (the store refuses larger ones on the way in).
    static var maximumManifestBytes: Int { 4 << 20 }
    static var realm: String { "hypermesh-fleet" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/v2" || path.hasPrefix("/v2/") else { return try await next(request, context) }
        guard request.method == .get || request.method == .head else {
            return Self.error(.methodNotAllowed, "UNSUPPORTED", "this node's store is read-only: GET and HEAD only")
        }
        guard authorized(request.headers[.authorization]) else {
            var response = Self.error(.unauthorized, "UNAUTHORIZED",
                                      request.headers[.authorization] == nil ? "the fleet's peer token is required" : "the peer token is wrong")
            response.headers[.wwwAuthenticate] = "Basic realm=\"\(Self.realm)\""
            return response
        }
        if path == "/v2" || path == "/v2/" {
            return Response(status: .ok, headers: [.contentType: "application/json", .init("Docker-Distribution-API-Version")!: "registry/2.0"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        // v2, name…, kind, reference
        guard parts.count >= 4, parts[parts.count - 2] == "manifests" || parts[parts.count - 2] == "blobs" else {
            return Self.error(.notFound, "NAME_UNKNOWN", "no such route: \(path)")
        }
        let isManifest = parts[parts.count - 2] == "manifests"
        let digest: OCIDigest
        do {
            digest = try OCIDigest(parsing: String(parts[parts.count - 1]))
        } catch {
            return Self.error(.notFound, isManifest ? "MANIFEST_UNKNOWN" : "DIGEST_INVALID",
                              "a peer serves content by digest only (sha256:…), not \(parts[parts.count - 1])")
        }
        let file = layout.blobURL(digest)
        return isManifest ? try await manifest(digest, file: file, head: request.method == .head)
                          : try await blob(digest, file: file, request: request, context: context)
    }

    private func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        if header.hasPrefix("Bearer ") { return NodeToken.matches(String(header.dropFirst(7)), token) }
        guard header.hasPrefix("Basic "), let decoded = Data(base64Encoded: String(header.dropFirst(6))),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return false }
        return NodeToken.matches(String(text[text.index(after: colon)...]), token)
    }

    private func manifest(_ digest: OCIDigest, file: URL, head: Bool) async throws -> Response {
        let layout = self.layout
        let bytes: Data
        do {
            bytes = try await BlockingIO.run { () throws(RegistryError) in try layout.readBlob(digest, maximumBytes: Self.maximumManifestBytes) }
        } catch {
            return Self.error(.notFound, "MANIFEST_UNKNOWN", "this node's store has no manifest \(digest)")
        }
        let mediaType = Self.mediaType(of: bytes) ?? OCIMediaType.imageManifest
        let headers: HTTPFields = [.contentType: mediaType, .contentLength: String(bytes.count),
                                   .init("Docker-Content-Digest")!: digest.description]
        return Response(status: .ok, headers: headers, body: head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func blob(_ digest: OCIDigest, file: URL, request: Request, context: Context) async throws -> Response {
        let path = file.path
        let size: Int
        do {
            size = try await BlockingIO.run { () throws(RegistryError) in
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      let size = attributes[.size] as? NSNumber else {
                    throw RegistryError(.notFound, subject: digest.description, "not in this node's store")
                }
                return size.intValue
            }
        } catch {
            return Self.error(.notFound, "BLOB_UNKNOWN", "this node's store has no blob \(digest)")
        }
        var headers: HTTPFields = [.contentType: "application/octet-stream", .init("Docker-Content-Digest")!: digest.description,
                                   .acceptRanges: "bytes"]
        var start = 0
        if let range = request.headers[.range] {
            guard let offset = RegistryRange.start(of: range), offset < max(size, 1) else {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            start = offset
        }
        let length = size - start
        headers[.contentLength] = String(length)
        if start > 0 { headers[.contentRange] = "bytes \(start)-\(size - 1)/\(size)" }
        let status: HTTPResponse.Status = start > 0 ? .partialContent : .ok
        if request.method == .head || length == 0 { return Response(status: status, headers: headers) }
        guard uploads.tryAcquire(limit: maximumConcurrentUploads) else {
            var response = Self.error(.tooManyRequests, "TOOMANYREQUESTS",
                                      "this node is already sending \(maximumConcurrentUploads) blobs; ask another peer or retry")
            response.headers[.retryAfter] = "1"
            return response
        }
        let fileBody: ResponseBody
        do {
            fileBody = try await fileIO.loadFile(path: path, range: start...(size - 1), context: context)
        } catch {
            uploads.release()
            return Self.error(.notFound, "BLOB_UNKNOWN", "this node's store has no blob \(digest)")
        }
        let counter = uploads
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: length) { writer in
            defer { counter.release() }
            try await fileBody.write(writer)
        })
    }

    /// The `mediaType` member of a stored manifest, if it has one.
    static func mediaType(of manifest: Data) -> String? {
        (try? JSONDecoder().decode(ManifestMediaType.self, from: manifest))?.mediaType
    }

    /// An error in the OCI distribution format (`{"errors":[{"code","message"}]}`).
    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Two strings: encoding cannot fail.
        let document = (try? encoder.encode(OCIErrorDocument(errors: [.init(code: code, message: message)]))) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
    }
}

/// How many blob bodies a node is sending to its peers.
final class PeerUploadCounter: Sendable {
    private let inFlight = Mutex(0)

    func tryAcquire(limit: Int) -> Bool {
        inFlight.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { inFlight.withLock { $0 = max(0, $0 - 1) } }
}

/// The `Range: bytes=N-` header a resuming registry client sends (only the open-ended form).
enum RegistryRange {
    static func start(of header: String) -> Int? {
        guard header.hasPrefix("bytes="), header.hasSuffix("-") else { return nil }
        return Int(header.dropFirst(6).dropLast())
    }
}

/// The OCI distribution error document: `{"errors":[{"code","message"}]}`.
private struct OCIErrorDocument: Encodable {
    struct Entry: Encodable {
        let code: String
        let message: String
    }
    let errors: [Entry]
}

/// The one member of a stored manifest the peer store reads.
private struct ManifestMediaType: Decodable {
    let mediaType: String?
}
