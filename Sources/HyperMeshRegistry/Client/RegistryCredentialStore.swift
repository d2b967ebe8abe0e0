import Foundation
import HyperMeshTrust
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ``RegistryClient`` finds credentials: HyperMesh's own file, read and written, plus,
/// read only, a Docker `config.json`.
///
/// HyperMesh's file is JSON, `{"registries": {"host:port": {"username": …, "password": …}}}`. It is
/// written atomically (a new file created 0600 with `O_EXCL` beside it, then renamed over it) and
/// refused, on read and on write, when its mode lets the group or others read it.
///
/// From a Docker `config.json`, `auths["host:port"]` is read (keys may also be written
/// `https://host:port/…`): `auth` is base64 of `user:password`; an `identitytoken` becomes
/// ``RegistryCredentials/identityTokenUsername`` and the token. Credential helpers (`credsStore`,
/// `credHelpers`) are NOT run. HyperMesh's own file wins over the Docker file.
///
/// Not guaranteed: two processes storing at once may lose one update (the last rename wins).
public struct RegistryCredentialStore: Sendable {
    public let file: URL
    public let dockerConfig: URL?

    public init(file: URL, dockerConfig: URL?) {
        self.file = file
        self.dockerConfig = dockerConfig
    }

    private struct StoredFile: Codable {
        var registries: [String: RegistryCredentials]
    }

    /// The credentials for `registry` (`host[:port]`), or nil when neither file has any.
    public func credentials(for registry: String) throws(RegistryError) -> RegistryCredentials? {
        if let own = try readOwn()?.registries[registry] { return own }
        guard let dockerConfig, FileManager.default.fileExists(atPath: dockerConfig.path) else { return nil }
        return try Self.dockerCredentials(for: registry, in: dockerConfig)
    }

    /// Stores `credentials` for `registry`, replacing what was there.
    public func store(_ credentials: RegistryCredentials, for registry: String) throws(RegistryError) {
        var stored = try readOwn() ?? StoredFile(registries: [:])
        stored.registries[registry] = credentials
        try write(stored)
    }

    /// Forgets `registry` in HyperMesh's file (the Docker file is never changed).
    public func remove(registry: String) throws(RegistryError) {
        guard var stored = try readOwn(), stored.registries[registry] != nil else { return }
        stored.registries[registry] = nil
        try write(stored)
    }

    private func readOwn() throws(RegistryError) -> StoredFile? {
        var status = stat()
        guard stat(file.path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw RegistryError(.credentialsUnreadable, subject: file.path, "cannot read the credentials file", cause: String(cString: strerror(errno)))
        }
        guard status.st_mode & 0o077 == 0 else {
            throw RegistryError(.credentialsUnreadable, subject: file.path,
                                "the credentials file can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 on it")
        }
        do {
            return try JSONDecoder().decode(StoredFile.self, from: Data(contentsOf: file))
        } catch {
            throw RegistryError(.credentialsUnreadable, subject: file.path, "the credentials file is not valid", cause: "\(error)")
        }
    }

    private func write(_ stored: StoredFile) throws(RegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do { data = try encoder.encode(stored) } catch {
            throw RegistryError(.credentialsUnreadable, subject: file.path, "cannot encode the credentials", cause: "\(error)")
        }
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RegistryError(.credentialsUnreadable, subject: folder.path, "cannot create the credentials folder", cause: "\(error)")
        }
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try SecretFile.create(temporary, contents: data)
        } catch {
            throw RegistryError(.credentialsUnreadable, subject: file.path, "cannot write the credentials file", cause: error)
        }
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw RegistryError(.credentialsUnreadable, subject: file.path, "cannot replace the credentials file", cause: reason)
        }
    }

    private struct DockerConfig: Decodable {
        struct Entry: Decodable {
            var auth: String?
            var identitytoken: String?
        }
        var auths: [String: Entry]?
    }

    static func dockerCredentials(for registry: String, in path: URL) throws(RegistryError) -> RegistryCredentials? {
        let config: DockerConfig
        do {
            config = try JSONDecoder().decode(DockerConfig.self, from: Data(contentsOf: path))
        } catch {
            throw RegistryError(.credentialsUnreadable, subject: path.path, "the Docker config file is not valid", cause: "\(error)")
        }
        guard let entry = config.auths?.first(where: { normalizedDockerKey($0.key) == registry })?.value else { return nil }
        if let token = entry.identitytoken, !token.isEmpty {
            return RegistryCredentials(username: RegistryCredentials.identityTokenUsername, password: token)
        }
        guard let auth = entry.auth, !auth.isEmpty else { return nil }
        guard let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
              let colon = decoded.firstIndex(of: ":") else {
            throw RegistryError(.credentialsUnreadable, subject: "\(path.path) auths[\(registry)]", "auth is not base64 of user:password")
        }
        return RegistryCredentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
    }

    /// `https://host:port/v1/` → `host:port`.
    static func normalizedDockerKey(_ key: String) -> String {
        var rest = Substring(key)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        return String(rest)
    }
}
