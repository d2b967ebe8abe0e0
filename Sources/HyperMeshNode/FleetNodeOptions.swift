import ArgumentParser
package import Foundation
import HyperMeshFleet

/// `hypermesh serve`'s fleet options: with `--fleet-etcd` the node joins a fleet (docs/fleet.md).
struct FleetNodeOptions: ParsableArguments {
    @Option(name: .customLong("fleet-etcd"), help: ArgumentHelp(
        "Join a fleet whose state is in this etcd (v3 API, http://HOST:PORT; comma-separated for several members). Without it the node is on its own.",
        valueName: "url[,url]"))
    var etcd: String?
    @Option(name: .customLong("node-id"), help: ArgumentHelp("The node's id in the fleet (default: the host name). A-Z a-z 0-9 . _ -", valueName: "id"))
    var nodeID: String?
    @Option(name: .customLong("node-label"), help: ArgumentHelp(
        "A label rollouts select on (repeatable), e.g. --node-label zone=a. The zone label makes peers in the same zone preferred.",
        valueName: "name=value"))
    var labels: [String] = []
    @Option(name: .customLong("fleet-token-file"), help: ArgumentHelp(
        "The fleet's peer token (a file readable by its owner only, the same on every node): the node serves its store to peers with --listen and reads theirs with it. Without it the node serves no peer and reads from the registry only.",
        valueName: "file"))
    var tokenFile: String?
    @Option(name: .customLong("fleet-advertise"), help: ArgumentHelp(
        "The URL peers reach this node at (default: http://<--listen>). Needed when --listen binds 0.0.0.0.", valueName: "url"))
    var advertise: String?
    @Option(name: .customLong("fleet-prefix"), help: ArgumentHelp("The etcd key prefix of the fleet (default \(FleetKeys.defaultPrefix)).", valueName: "prefix"))
    var prefix: String = FleetKeys.defaultPrefix
    @Option(name: .customLong("fleet-lease-ttl"), help: "Seconds the node's keys outlive its silence (default 10).")
    var leaseTTL: Int = 10
    @Option(name: .customLong("fleet-registry-slots"), help: "How many nodes may pull one package from the registry at once (default 2).")
    var registrySlots: Int = 2
    @Option(name: .customLong("fleet-peer-wait"), help: "Seconds a node waits for peers that are pulling before it goes to the registry (default 10).")
    var peerWait: Double = 10

    var isEnabled: Bool { etcd != nil }

    var endpoints: [String] { (etcd ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    func parsedLabels() throws -> [String: String] {
        var labels: [String: String] = [:]
        for label in self.labels {
            let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--node-label \(label): expected name=value") }
            labels[parts[0]] = parts[1]
        }
        return labels
    }

    /// The agent's configuration; `listen` is the node's `--listen` (nil: the Unix socket only, no peer serving).
    func configuration(listen: String?) throws -> FleetAgentConfiguration {
        let id = nodeID ?? ProcessInfo.processInfo.hostName
        let endpoint: String? = tokenFile == nil ? nil : (advertise ?? listen.map { "http://\($0)" })
        var configuration = FleetAgentConfiguration(nodeID: id, labels: try parsedLabels(), endpoint: endpoint)
        configuration.leaseTTLSeconds = leaseTTL
        configuration.registrySlots = registrySlots
        configuration.peerWaitSeconds = peerWait
        do { try configuration.validate() } catch { throw ValidationError(error.description) }
        return configuration
    }

    func validate(listen: String?) throws {
        guard isEnabled else {
            if tokenFile != nil || nodeID != nil || !labels.isEmpty { throw ValidationError("--node-id, --node-label and --fleet-token-file need --fleet-etcd") }
            return
        }
        guard !endpoints.isEmpty else { throw ValidationError("--fleet-etcd needs at least one URL") }
        guard registrySlots >= 1 else { throw ValidationError("--fleet-registry-slots must be 1 or more") }
        guard peerWait >= 0 else { throw ValidationError("--fleet-peer-wait must be 0 or more seconds") }
        if tokenFile != nil, listen == nil {
            throw ValidationError("--fleet-token-file serves the node's store to peers on its TCP endpoint: add --listen HOST:PORT")
        }
        if tokenFile != nil, advertise == nil, let listen, listen.hasPrefix("0.0.0.0:") || listen.hasPrefix("[::]:") {
            throw ValidationError("--listen \(listen) binds every address: tell peers where to reach this node with --fleet-advertise http://HOST:PORT")
        }
        _ = try configuration(listen: listen)
        // Before the node opens anything: a token others may read is refused at once.
        _ = try readToken()
    }

    /// The peer token: the file's first line; refused when others may read it or it is short.
    func readToken() throws -> String? {
        guard let tokenFile else { return nil }
        var status = stat()
        guard stat(tokenFile, &status) == 0 else {
            throw ValidationError("--fleet-token-file \(tokenFile): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw ValidationError("--fleet-token-file \(tokenFile) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        let text = try String(contentsOfFile: tokenFile, encoding: .utf8)
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard token.utf8.count >= 16 else { throw ValidationError("--fleet-token-file \(tokenFile): the token must have at least 16 characters") }
        return token
    }
}
