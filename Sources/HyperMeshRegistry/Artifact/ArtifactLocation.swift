import Foundation

/// Where a package or an index is, as an operator writes it on the command line:
/// - `registry[:port]/repository[:tag][@sha256:…]`: a registry;
/// - `oci:FOLDER[:TAG]`: an OCI layout folder (a copy made by `ext pack --oci-layout`, by skopeo
///   or oras), e.g. for an air-gapped site.
///
/// For a layout, the ``reference`` is `oci.invalid/layout` with the tag, so that messages and the
/// store's `source` annotation stay uniform; its registry part is never contacted.
public struct ArtifactLocation: Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case registry
        case layout(URL)
    }

    public var kind: Kind
    public var reference: OCIReference

    public init(parsing text: String) throws(RegistryError) {
        if text.hasPrefix("oci:") {
            var path = String(text.dropFirst(4))
            var tag: String?
            if let colon = path.lastIndex(of: ":"), !path[path.index(after: colon)...].contains("/") {
                tag = String(path[path.index(after: colon)...])
                path = String(path[..<colon])
            }
            guard !path.isEmpty else {
                throw RegistryError(.referenceInvalid, subject: text, "an OCI layout location is oci:FOLDER[:TAG]")
            }
            if let tag { try OCIReference.checkTag(tag, in: text) }
            kind = .layout(URL(fileURLWithPath: path))
            reference = OCIReference(registry: "oci.invalid", repository: "layout", tag: tag, digest: nil)
        } else {
            kind = .registry
            reference = try OCIReference(parsing: text)
        }
    }

    public init(registryReference: OCIReference) {
        kind = .registry
        reference = registryReference
    }

    /// The same location at another tag.
    public func tagged(_ tag: String) -> ArtifactLocation {
        var copy = self
        copy.reference = reference.tagged(tag)
        return copy
    }

    /// The location without tag or digest, as the index and the lock file record it:
    /// `registry/repository`, or `oci:FOLDER`.
    public var repositoryLocation: String {
        switch kind {
        case .registry: reference.repositoryPath
        case .layout(let folder): "oci:\(folder.path)"
        }
    }

    public var description: String {
        switch kind {
        case .registry: reference.description
        case .layout(let folder): "oci:\(folder.path)" + (reference.tag.map { ":\($0)" } ?? "")
        }
    }
}
