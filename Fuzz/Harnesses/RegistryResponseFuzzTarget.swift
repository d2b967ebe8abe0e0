import Foundation
import HyperMeshRegistry
import NIOCore
import NIOHTTP1

/// What the registry client reads from a registry's responses, piece by piece as
/// ``RegistryClient`` uses them: `WWW-Authenticate` challenges, the token service's answer,
/// `Location` (redirects, upload sessions), `Link` (tag pages), `Content-Type`, `Content-Range`,
/// `Docker-Content-Digest` against the body's digest, and OCI error bodies. The input is split
/// into the header values and a body by ``FuzzInput``.
///
/// Invariants: a parsed challenge has a scheme and its parameters come from the header; a token
/// is never empty and lives at least a second; the next-page link is part of the `Link` header; a
/// resolved location is absolute; the authority of a URL holds no `/`; a `Docker-Content-Digest`
/// that equals the body's digest is accepted and a different valid one is refused as a mismatch.
public struct RegistryResponseFuzzTarget: FuzzTarget {
    static let base = "https://registry.example:5000/v2/org/example/catalog/tags/list?n=10"

    public init() {}
    public var name: String { "registry-response" }
    public var summary: String { "registry responses: auth challenges, token answers, Location, Link, Content-Type/Range, Docker-Content-Digest, error bodies" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        var reader = FuzzInput(input)
        let challenge = reader.string(upTo: 200)
        let location = reader.string(upTo: 120)
        let link = reader.string(upTo: 160)
        let contentType = reader.string(upTo: 80)
        let contentRange = reader.string(upTo: 40)
        let claimedDigest = reader.string(upTo: 80)
        let body = reader.rest()

        for parsed in RegistryAuthChallenge.parse(challenge) {
            guard !parsed.scheme.isEmpty else { throw FuzzFinding(name, "a challenge without a scheme", challenge) }
        }
        if let answer = RegistryClient.tokenAnswer(ByteBuffer(bytes: body)) {
            guard !answer.token.isEmpty, answer.lifetime >= .seconds(1) else {
                throw FuzzFinding(name, "a token answer with an empty token or a lifetime under a second", "\(answer.lifetime)")
            }
        }
        if let next = RegistryClient.nextLink(link), !link.contains(next) {
            throw FuzzFinding(name, "the next-page link is not part of the Link header", "\(link) → \(next)")
        }
        if let resolved = RegistryClient.resolve(location, against: Self.base) {
            guard resolved.lowercased().hasPrefix("http://") || resolved.lowercased().hasPrefix("https://") else {
                throw FuzzFinding(name, "a resolved location is not an absolute http(s) URL", "\(location) → \(resolved)")
            }
            if RegistryClient.authority(of: resolved).contains("/") {
                throw FuzzFinding(name, "the authority of a URL contains a slash", resolved)
            }
        }
        _ = RegistryClient.mediaType(ofContentType: contentType)
        _ = RegistryClient.rangeStart(contentRange)
        _ = RegistryClient.describeErrors(ByteBuffer(bytes: body))

        let digest = OCIDigest(of: body)
        var headers = HTTPHeaders()
        headers.add(name: "Docker-Content-Digest", value: digest.description)
        do { try RegistryClient.checkDockerContentDigest(headers, equals: digest, subject: "fuzz") } catch {
            throw FuzzFinding(name, "the body's own digest is refused", "\(error)")
        }
        if !claimedDigest.isEmpty, !claimedDigest.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            headers.replaceOrAdd(name: "Docker-Content-Digest", value: claimedDigest)
            do {
                try RegistryClient.checkDockerContentDigest(headers, equals: digest, subject: "fuzz")
                guard let parsed = try? OCIDigest(parsing: claimedDigest.trimmingCharacters(in: .whitespaces)), parsed == digest else {
                    throw FuzzFinding(name, "a Docker-Content-Digest that is not the body's digest is accepted", claimedDigest)
                }
            } catch let error as FuzzFinding {
                throw error
            } catch {
                return
            }
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        func field(_ text: String) -> [UInt8] { [UInt8(min(text.utf8.count, 255))] + Array(text.utf8.prefix(255)) }
        let bearer = #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:org/example/catalog:pull""#
        let token = #"{"token":"abc.def","expires_in":300}"#
        let errors = #"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#
        return [
            FuzzSeed("token", field(bearer) + field("/v2/org/example/catalog/blobs/uploads/2f1d?_state=x") + field(#"</v2/org/example/catalog/tags/list?last=b&n=10>; rel="next""#)
                + field("application/vnd.oci.image.manifest.v1+json; charset=utf-8") + field("bytes 0-1023/4096") + field("sha256:" + String(repeating: "0", count: 64)) + Array(token.utf8)),
            FuzzSeed("errors", field(#"Basic realm="registry", Bearer realm="https://a/t""#) + field("https://blobs.example/x?sig=1") + field("") + field("text/plain") + field("") + field("") + Array(errors.utf8)),
        ]
    }
}
