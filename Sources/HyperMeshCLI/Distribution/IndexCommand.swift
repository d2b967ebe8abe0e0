import ArgumentParser
import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshTrust

/// `hypermesh index publish|add|yank|show`
public struct IndexCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Publish and read the signed extension index (the marketplace).",
        discussion: """
            An index lists each extension's versions: per-platform digests, host ABI range,
            dependency ranges, requested capabilities, description, tags, a yanked flag. It is an
            OCI artifact tagged hypermesh-index in a repository (or an OCI layout), signed by a key
            whose certificate chains to the operators' trust stores. Every publication raises its
            version and sets a new expiry; hosts refuse an index older than one they accepted
            (rollback), another document with the same version (equivocation), an expired one
            (freeze) and one signed by an untrusted key. docs/registry.md has the format.

            Publisher:
              hypermesh index publish localhost:5000/hypermesh/index --key K --cert C --name main
              hypermesh index add localhost:5000/hypermesh/index localhost:5000/ext/hello:1.0.0 --key K --cert C
              hypermesh index yank localhost:5000/hypermesh/index org.example.hello@1.0.0 --key K --cert C
            Operator:
              hypermesh index show localhost:5000/hypermesh/index
              hypermesh ext search hello --index localhost:5000/hypermesh/index
            """,
        subcommands: [IndexPublish.self, IndexAdd.self, IndexYank.self, IndexShow.self])

    public init() {}
}

/// The publisher's key and certificate, and the expiry of what is published.
public struct IndexSigningOptions: ParsableArguments {
    @Option(help: "The index signing key (PEM).") public var key: String
    @Option(help: "Its certificate (PEM; may hold intermediates after it).") public var cert: String
    @Option(name: .customLong("expires-in"), help: ArgumentHelp("Days until this publication expires (default 7).", valueName: "days"))
    public var expiresInDays: Double = 7

    public init() {}

    func sign(_ document: ExtensionIndexDocument) throws -> SignedExtensionIndex {
        let key = try SigningKey(contentsOf: URL(fileURLWithPath: self.key))
        let chain = try CertificatePEM.certificates(contentsOf: URL(fileURLWithPath: cert))
        return try SignedExtensionIndex.sign(document, key: key, chain: chain)
    }

    public func validate() throws {
        guard expiresInDays > 0, expiresInDays <= 366 else { throw ValidationError("--expires-in takes 0 to 366 days") }
    }
}

/// What the index commands print.
struct IndexPublicationOutput: Codable {
    var name: String
    var version: UInt64
    var expires: String
    var location: String
    var digest: String
    var extensions: Int
}

/// Reads the current index at a location (verified and accepted into this host's cache, so a
/// publisher cannot roll its own index back by mistake), edits it, signs it with the next
/// version and a fresh expiry, and publishes it.
enum IndexEditing {
    static func republish(location text: String, signing: IndexSigningOptions, context: DistributionContext,
                          createNamed name: String? = nil, edit: (inout ExtensionIndexDocument) async throws -> Void) async throws -> IndexPublicationOutput {
        let location = try ArtifactLocation(parsing: text)
        var document: ExtensionIndexDocument
        do {
            let current = try await IndexTransfer.fetch(from: try context.registries.source(for: location), reference: location.reference)
            try await context.indexCache.accept(current, source: location.description)
            document = current.document
            if let name, name != document.name {
                throw IndexError(.conflict, subject: location.description, "the location holds the index '\(document.name)', not '\(name)'")
            }
        } catch let error as RegistryError where error.code == .notFound {
            guard let name else {
                throw IndexError(.entryUnknown, subject: location.description, "no index is published there; create one with `hypermesh index publish LOCATION --name NAME`")
            }
            document = ExtensionIndexDocument(name: name, version: 0, issued: Date(), expires: Date())
        }
        try await edit(&document)
        document.version += 1
        let now = Date()
        document.issued = ExtensionIndexDocument(name: "", version: 0, issued: now, expires: now).issued
        document.expires = ExtensionIndexDocument(name: "", version: 0, issued: now, expires: now.addingTimeInterval(signing.expiresInDays * 86_400)).expires
        let signed = try signing.sign(document)
        let digest = try await IndexTransfer.publish(signed, to: try context.registries.destination(for: location), reference: location.reference)
        try await context.indexCache.accept(signed, source: location.description)
        try context.record(nil, "published index '\(document.name)' version \(document.version) to \(location)",
                           details: ["action": "index publish", "index": document.name, "version": String(document.version), "digest": digest.description])
        return IndexPublicationOutput(name: document.name, version: document.version, expires: document.expires, location: location.description,
                                      digest: digest.description, extensions: document.extensions.count)
    }
}

/// `hypermesh index publish LOCATION`
public struct IndexPublish: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Create an index, or publish the current one again with the next version and a fresh expiry.",
        discussion: "Publish again before the expiry, or hosts refuse the index as frozen. With --json, stdout holds {name, version, expires, location, digest, extensions}.")

    @Argument(help: "REGISTRY/REPOSITORY (tag hypermesh-index) or oci:FOLDER.") public var location: String
    @Option(help: "The index's name (required to create one; checked otherwise).") public var name: String?
    @OptionGroup public var signing: IndexSigningOptions
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> IndexPublicationOutput in
            return try await IndexEditing.republish(location: location, signing: signing, context: context, createNamed: name) { _ in }
        } text: { output in
            Console.current.out("published index '\(output.name)' version \(output.version) (\(output.extensions) extension(s), expires \(output.expires)) to \(output.location)")
        }
    }
}

/// `hypermesh index add LOCATION PACKAGE-LOCATION…`
public struct IndexAdd: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add published package versions to the index.",
        discussion: """
            Each package is read from where it was pushed (its manifest per platform and its
            extension.json); the index records its digests, ABI range, dependencies and
            capabilities. A version already listed with other digests is refused: a published
            version never changes. The entry's repository is the package location's.
            """)

    @Argument(help: "The index: REGISTRY/REPOSITORY or oci:FOLDER.") public var location: String
    @Argument(help: "Published packages: REGISTRY/REPOSITORY:TAG (or oci:FOLDER:TAG).") public var packages: [String]
    @Option(help: ArgumentHelp("Tags for search, comma-separated (kept when omitted).", valueName: "a,b")) public var tags: String?
    @OptionGroup public var signing: IndexSigningOptions
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> IndexPublicationOutput in
            var entries: [(PublishedPackage, String)] = []
            for text in packages {
                let location = try ArtifactLocation(parsing: text)
                entries.append((try await PublishedPackage.read(location, registries: context.registries), location.repositoryLocation))
            }
            let tagList = tags?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return try await IndexEditing.republish(location: location, signing: signing, context: context) { document in
                for (published, repository) in entries {
                    let manifest = published.manifest
                    var entry = document.extensions[manifest.id]
                        ?? IndexedExtension(name: manifest.name, description: manifest.description, tags: [], repository: repository)
                    entry.name = manifest.name
                    entry.description = manifest.description
                    if let tagList { entry.tags = tagList }
                    let version = IndexedVersion(artifacts: published.artifacts, kind: manifest.kind.rawValue, abi: manifest.abi,
                                                 dependencies: manifest.dependencies.mapValues(\.text), capabilities: manifest.capabilities.map(\.rawValue).sorted())
                    if let existing = entry.versions[manifest.version.description], existing.artifacts != version.artifacts {
                        throw IndexError(.conflict, subject: "\(manifest.id) \(manifest.version)", "the index lists this version with other digests; publish a new version instead")
                    }
                    entry.versions[manifest.version.description] = version
                    document.extensions[manifest.id] = entry
                }
            }
        } text: { output in
            Console.current.out("published index '\(output.name)' version \(output.version) (\(output.extensions) extension(s), expires \(output.expires)) to \(output.location)")
        }
    }
}

/// `hypermesh index yank LOCATION ID@VERSION`
public struct IndexYank: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "yank",
        abstract: "Mark a version yanked (no new install picks it; locked installs still may), or --undo it.")

    @Argument(help: "The index: REGISTRY/REPOSITORY or oci:FOLDER.") public var location: String
    @Argument(help: "ID@VERSION.") public var target: String
    @Flag(help: "Clear the yanked flag.") public var undo = false
    @OptionGroup public var signing: IndexSigningOptions
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        guard let at = target.firstIndex(of: "@") else { throw ValidationError("give ID@VERSION") }
        let id = String(target[..<at])
        let versionText = String(target[target.index(after: at)...])
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> IndexPublicationOutput in
            let undo = self.undo
            return try await IndexEditing.republish(location: location, signing: signing, context: context) { document in
                guard document.extensions[id]?.versions[versionText] != nil else {
                    throw IndexError(.entryUnknown, subject: target, "the index does not list this version")
                }
                document.extensions[id]!.versions[versionText]!.yanked = !undo
            }
        } text: { output in
            Console.current.out("published index '\(output.name)' version \(output.version) (\(output.extensions) extension(s), expires \(output.expires)) to \(output.location)")
        }
    }
}

/// `hypermesh index show LOCATION`
public struct IndexShow: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Fetch, verify and print an index (it is also cached for offline use).",
        discussion: "With --json, stdout holds the index document itself (docs/registry.md) plus {signer}.")

    @Argument(help: "REGISTRY/REPOSITORY or oci:FOLDER; default --index or $HYPERMESH_INDEX.") public var location: String?
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var index: ExtensionIndexDocument
        var signer: [String]
        var offline: Bool
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> Output in
            let loaded = try await IndexLoading.load(location ?? distribution.resolvedIndex(), context: context)
            return Output(index: loaded.index.document, signer: loaded.signer, offline: loaded.offline)
        } text: { output in
            let console = Console.current
            let document = output.index
            console.out("index '\(document.name)' version \(document.version), issued \(document.issued), expires \(document.expires)\(output.offline ? " (cached copy: the index could not be reached)" : "")")
            console.out("signed by \(output.signer.joined(separator: " <- "))")
            for (id, entry) in document.extensions.sorted(by: { $0.key < $1.key }) {
                let versions = entry.versions.keys.compactMap { try? SemanticVersion(parsing: $0) }.sorted(by: >)
                    .map { version in entry.versions[version.description]!.yanked ? "\(version) (yanked)" : version.description }
                console.out("\(id)  \(versions.joined(separator: ", "))  \(entry.description ?? "")")
            }
        }
    }
}

/// Loads the index an operator named: fetched and accepted (verified, not older, not expired),
/// or, when its location cannot be reached, the copy cached from it (verified again, not expired).
enum IndexLoading {
    struct Loaded {
        var index: SignedExtensionIndex
        var signer: [String]
        var offline: Bool
    }

    static func load(_ text: String?, context: DistributionContext) async throws -> Loaded {
        guard let text else {
            throw ValidationError("name the index: --index LOCATION, or set HYPERMESH_INDEX")
        }
        let location = try ArtifactLocation(parsing: text)
        do {
            let index = try await IndexTransfer.fetch(from: try context.registries.source(for: location), reference: location.reference)
            let signer: [String]
            do { signer = try await context.indexCache.accept(index, source: location.description) } catch {
                throw context.recordRefusal(nil, action: "index \(location)", error)
            }
            return Loaded(index: index, signer: signer, offline: false)
        } catch let error as RegistryError where error.code == .unavailable {
            guard let name = context.indexCache.name(forSource: location.description),
                  let cached = try await context.indexCache.cached(name: name) else { throw error }
            context.logger.warning("the index at \(location) cannot be reached (\(error)); using the cached version \(cached.document.version)")
            return Loaded(index: cached, signer: cached.signature.chain.map { "\($0.subject)" }, offline: true)
        }
    }
}

/// A package as published: its extension.json and its image manifest digest per platform.
struct PublishedPackage {
    var manifest: Manifest
    var artifacts: [String: OCIDigest]

    static func read(_ location: ArtifactLocation, registries: RegistryAccess) async throws -> PublishedPackage {
        let source = try registries.source(for: location)
        let top = try await source.fetchManifest(location.reference)
        var artifacts: [(String, OCIDigest)] = []
        if top.mediaType == OCIMediaType.imageIndex {
            let index = try OCIImageIndex.decode(top.bytes, source: location.description)
            for entry in index.manifests {
                guard let platform = entry.platform else { continue }
                artifacts.append((platform.description, entry.digest))
            }
        } else {
            artifacts.append((IndexedVersion.anyPlatform, top.digest))
        }
        guard let first = artifacts.first else {
            throw RegistryError(.artifactInvalid, subject: location.description, "the image index lists no platform")
        }
        let fetched = try await source.fetchManifest(location.reference.pinned(to: first.1))
        let imageManifest = try OCIImageManifest.decode(fetched.bytes, source: location.description)
        try PackageArtifact.validate(imageManifest, source: location.description)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hypermesh-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await source.fetchBlob(imageManifest.config, of: location.reference, to: scratch, progress: nil)
        let manifest = try ManifestDecoder.decode(try Data(contentsOf: scratch), source: "extension.json of \(location)")
        return PublishedPackage(manifest: manifest, artifacts: Dictionary(artifacts, uniquingKeysWith: { first, _ in first }))
    }
}
