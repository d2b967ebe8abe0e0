import ArgumentParser
import Foundation
import HyperMeshFleet

/// Where a fleet command finds the fleet: `--etcd` (or `HYPERMESH_FLEET_ETCD`) and the key prefix.
public struct FleetOptions: ParsableArguments {
    @Option(name: .customLong("etcd"), help: ArgumentHelp(
        "The fleet's etcd (http://HOST:PORT, comma-separated for several members). Default: $HYPERMESH_FLEET_ETCD.", valueName: "url[,url]"))
    public var etcd: String?
    @Option(name: .customLong("fleet-prefix"), help: ArgumentHelp("The etcd key prefix of the fleet (default \(FleetKeys.defaultPrefix)).", valueName: "prefix"))
    public var prefix: String = FleetKeys.defaultPrefix
    @Option(name: .customLong("etcd-timeout"), help: "Seconds one etcd request may take (default 5).")
    public var timeout: Int = 5

    public init() {}

    func endpoints(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String] {
        guard let text = etcd ?? environment["HYPERMESH_FLEET_ETCD"] else {
            throw ValidationError("name the fleet's etcd: --etcd http://HOST:PORT, or set HYPERMESH_FLEET_ETCD")
        }
        let endpoints = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !endpoints.isEmpty else { throw ValidationError("--etcd names no URL") }
        return endpoints
    }

    /// Opens the fleet's state, runs `body`, closes the client whether `body` succeeds or not.
    func withFleet<T>(_ body: (FleetState) async throws -> T) async throws -> T {
        let client = try EtcdClient(endpoints: try endpoints(), requestTimeout: .seconds(max(1, timeout)))
        do {
            let result = try await body(FleetState(etcd: client, keys: FleetKeys(prefix: prefix)))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
