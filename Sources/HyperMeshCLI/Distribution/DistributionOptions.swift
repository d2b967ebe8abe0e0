import ArgumentParser
import Foundation

/// Options of the commands that reach registries, indexes, the store and the lock file.
public struct DistributionOptions: ParsableArguments {
    @Option(name: .customLong("insecure-registry"), help: ArgumentHelp(
        "A registry (HOST or HOST:PORT) reached over plain HTTP; repeatable. Loopback registries (localhost, 127.0.0.0/8, ::1) always may be; every other needs TLS.",
        valueName: "host[:port]"))
    public var insecureRegistries: [String] = []

    @Option(name: .customLong("registry-ca"), help: ArgumentHelp(
        "A PEM bundle of certificate authorities a registry's TLS certificate may chain to, besides the system's roots; repeatable.",
        valueName: "host[:port]=file"))
    public var registryCABundles: [String] = []

    @Option(name: .customLong("docker-config"), help: ArgumentHelp(
        "A Docker config.json whose `auths` are used (read only) when `hypermesh registry login` has no credentials for a registry. Default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.",
        valueName: "file"))
    public var dockerConfig: String?

    @Option(name: .customLong("index"), help: ArgumentHelp(
        "The signed extension index to resolve ids from: REGISTRY/REPOSITORY (tag hypermesh-index) or oci:FOLDER. Default: $HYPERMESH_INDEX.",
        valueName: "location"))
    public var index: String?

    @Option(name: .customLong("lock"), help: ArgumentHelp(
        "The lock file. Default: hypermesh.lock in the state dir.", valueName: "file"))
    public var lock: String?

    public init() {}

    /// `--registry-ca` as registry → file.
    package func caBundles() throws -> [String: String] {
        var bundles: [String: String] = [:]
        for entry in registryCABundles {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex, entry.index(after: equals) != entry.endIndex else {
                throw ValidationError("--registry-ca takes HOST[:PORT]=FILE, not '\(entry)'")
            }
            bundles[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return bundles
    }

    /// The Docker config.json to read, after defaults; nil when none exists.
    package func resolvedDockerConfig(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let dockerConfig { return URL(fileURLWithPath: dockerConfig) }
        let folder = environment["DOCKER_CONFIG"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".docker")
        let file = folder.appendingPathComponent("config.json")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    /// `--index`, else `$HYPERMESH_INDEX`.
    func resolvedIndex(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        index ?? environment["HYPERMESH_INDEX"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func validate() throws {
        _ = try caBundles()
    }
}
