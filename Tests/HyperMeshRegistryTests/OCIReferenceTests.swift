import HyperMeshManifest
import Testing
@testable import HyperMeshRegistry

@Suite("OCI references, digests and platforms")
struct OCIReferenceTests {
    @Test("A reference with a port, a nested repository and a tag parses into its parts")
    func parsesTaggedReference() throws {
        let reference = try OCIReference(parsing: "localhost:5000/hypermesh/hello:1.2.0")
        #expect(reference.registry == "localhost:5000")
        #expect(reference.repository == "hypermesh/hello")
        #expect(reference.tag == "1.2.0")
        #expect(reference.digest == nil)
        #expect(reference.manifestReference == "1.2.0")
    }

    @Test("A digest wins over the tag for the manifest request")
    func digestWins() throws {
        let hex = String(repeating: "ab", count: 32)
        let reference = try OCIReference(parsing: "registry.example.com/ext/catalog:1.0.0@sha256:\(hex)")
        #expect(reference.manifestReference == "sha256:\(hex)")
        #expect(reference.description == "registry.example.com/ext/catalog:1.0.0@sha256:\(hex)")
    }

    @Test("References without a registry, with upper-case repositories or bad tags are refused with a code")
    func refusesMalformed() {
        for text in ["hello:1.0.0", "localhost:5000/Hello:1", "localhost:5000/hello:-bad", "localhost:99999/hello",
                     "localhost:5000/hello@sha256:abc", "localhost:5000/hello@md5:\(String(repeating: "a", count: 32))", "localhost:5000//x"] {
            #expect(throws: RegistryError.self, "\(text)") { try OCIReference(parsing: text) }
            do { _ = try OCIReference(parsing: text) } catch { #expect(error.code == .referenceInvalid) }
        }
    }

    @Test("A version's build metadata is written with an underscore in its tag and read back")
    func versionTags() throws {
        let version = try SemanticVersion(parsing: "1.2.3-beta.1+linux.amd64")
        let tag = OCIReference.tag(for: version)
        #expect(tag == "1.2.3-beta.1_linux.amd64")
        #expect(OCIReference.version(ofTag: tag) == version)
        #expect(OCIReference.version(ofTag: "latest") == nil)
    }

    @Test("A digest is computed over the bytes and parsed back only in its canonical form")
    func digests() throws {
        let digest = OCIDigest(of: Array("hello".utf8))
        #expect(digest.description == "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(try OCIDigest(parsing: digest.description) == digest)
        #expect(throws: RegistryError.self) { try OCIDigest(parsing: "sha256:" + digest.hex.uppercased()) }
    }

    @Test("An index entry for linux/amd64 is chosen for linux/amd64 and not for linux/arm64")
    func platforms() throws {
        let digest = OCIDigest(of: Array("x".utf8))
        let index = OCIImageIndex(artifactType: OCIMediaType.extensionArtifact, manifests: [
            OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: digest, size: 1, platform: try OCIPlatform(parsing: "linux/amd64")),
        ])
        #expect(index.manifest(for: OCIPlatform(os: "linux", architecture: "amd64")) != nil)
        #expect(index.manifest(for: OCIPlatform(os: "linux", architecture: "arm64")) == nil)
        #expect(throws: RegistryError.self) { try OCIPlatform(parsing: "linux") }
    }
}
