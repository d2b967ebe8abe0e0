import Foundation
import HyperMeshRegistry
import Logging
import Synchronization

/// Registry clients for the fleet's peers, one per peer endpoint, created on first use and shut
/// down together. A peer is another node's store served over the OCI read API
/// (`PeerStoreMiddleware` in the node), with the fleet's peer token as Basic credentials.
///
/// Defaults: no retries (a failing peer is left for the next one, not retried), a 2 s connect
/// timeout and a 10 s read timeout. Plain HTTP: a node's TCP endpoint is not TLS; the bytes are
/// checked by digest and the package by its signature, so the transport need not be trusted for
/// integrity. Not guaranteed: the token's secrecy on a network other than loopback.
public final class PeerClients: Sendable {
    private let token: String
    private let logger: Logger?
    private let clients = Mutex<[String: RegistryClient]>([:])

    public init(token: String, logger: Logger? = nil) {
        self.token = token
        self.logger = logger
    }

    /// `host:port` of an endpoint like `http://127.0.0.1:7100`.
    public static func authority(of endpoint: String) -> String? {
        guard let url = URL(string: endpoint), url.scheme == "http", let host = url.host, let port = url.port else { return nil }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The client for the peer at `authority` (`host:port`).
    public func client(for authority: String) -> RegistryClient {
        clients.withLock { clients in
            if let existing = clients[authority] { return existing }
            var settings = RegistryClientSettings()
            settings.insecureRegistries = [authority]
            settings.fixedCredentials = [authority: RegistryCredentials(username: "fleet", password: token)]
            settings.retries = 0
            settings.connectTimeout = .seconds(2)
            settings.readTimeout = .seconds(10)
            let client = RegistryClient(settings: settings, logger: logger)
            clients[authority] = client
            return client
        }
    }

    public func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { try? await client.shutdown() }
    }
}
