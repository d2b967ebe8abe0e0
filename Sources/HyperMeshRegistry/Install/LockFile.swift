import Foundation
import HyperMeshManifest
import HyperMeshStrictJSON

/// `hypermesh.lock`: exactly what was installed, so that `ext install --locked` installs the same
/// bytes again (from the store when it has them, without any request). Each entry pins the
/// artifact by digest: a tag moved since, or an index that now says otherwise, does not matter.
///
/// Written canonically (sorted keys, one entry per extension, by id) and atomically; read with
/// the strict JSON parser (duplicate keys refused).
public struct LockFile: Sendable, Hashable, Codable {
    public static let fileName = "hypermesh.lock"
    public static let currentVersion = 1

    public struct Entry: Sendable, Hashable, Codable {
        public var id: String
        public var version: String
        /// Where it came from: `registry/repository`, or `oci:FOLDER` for an OCI layout.
        public var repository: String
        /// The digest of the package's image manifest for ``platform``.
        public var digest: OCIDigest
        /// `linux/amd64`, or `any` for platform-free packages.
        public var platform: String

        public init(id: String, version: String, repository: String, digest: OCIDigest, platform: String) {
            self.id = id
            self.version = version
            self.repository = repository
            self.digest = digest
            self.platform = platform
        }
    }

    public var lockVersion: Int = Self.currentVersion
    /// The index the versions were chosen from, when one was used (`name@version`).
    public var index: String?
    public var extensions: [Entry]

    public init(index: String?, extensions: [Entry]) {
        self.index = index
        self.extensions = extensions.sorted { $0.id < $1.id }
    }

    public func entry(id: String) -> Entry? { extensions.first { $0.id == id } }

    /// Replaces or adds `entry`.
    public mutating func set(_ entry: Entry) {
        extensions.removeAll { $0.id == entry.id }
        extensions.append(entry)
        extensions.sort { $0.id < $1.id }
    }

    public mutating func remove(id: String) { extensions.removeAll { $0.id == id } }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try! encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads `file`; nil when it does not exist.
    public static func read(from file: URL) throws(RegistryError) -> LockFile? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw RegistryError(.fileFailed, subject: file.path, "cannot read the lock file", cause: "\(error)")
        }
        do throws(JSONParseError) {
            _ = try JSONParser.parse(data)
        } catch {
            throw RegistryError(.lockInvalid, subject: file.path, "the lock file is not valid JSON", cause: error)
        }
        let lock: LockFile
        do { lock = try JSONDecoder().decode(LockFile.self, from: data) } catch {
            throw RegistryError(.lockInvalid, subject: file.path, "the lock file does not follow its format (docs/registry.md)", cause: "\(error)")
        }
        guard lock.lockVersion == currentVersion else {
            throw RegistryError(.lockInvalid, subject: file.path, "lock file version \(lock.lockVersion) is not \(currentVersion)")
        }
        for entry in lock.extensions where (try? SemanticVersion(parsing: entry.version)) == nil {
            throw RegistryError(.lockInvalid, subject: file.path, "\(entry.id): '\(entry.version)' is not a version")
        }
        return lock
    }

    public func write(to file: URL) throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoded().write(to: file, options: .atomic)
        } catch {
            throw RegistryError(.fileFailed, subject: file.path, "cannot write the lock file", cause: "\(error)")
        }
    }
}
