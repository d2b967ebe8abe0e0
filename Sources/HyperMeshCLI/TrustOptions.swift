import ArgumentParser
import Foundation
import HyperMeshTrust
import X509

/// The options of commands that read or edit the trust store without touching extensions.
public struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("trust-store"), help: ArgumentHelp(
        "The trust store folder. Default: $HYPERMESH_TRUST_STORE, else trust/ in the state dir.", valueName: "dir"))
    public var trustStore: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "The host's state dir, whose trust/ folder is the default trust store. Default: $HYPERMESH_STATE_DIR, else ~/.local/share/hypermesh/state.",
        valueName: "dir"))
    public var stateDirectory: String?

    public init() {}

    var directory: URL {
        var host = HostOptions()
        host.stateDirectory = stateDirectory
        return TrustStoreLocation.resolve(explicit: trustStore, stateDirectory: host.resolvedStateDirectory())
    }
}

/// Reads the certificates of one or more PEM files, in order.
func readCertificates(_ paths: [String]) throws -> [Certificate] {
    try paths.flatMap { try CertificatePEM.certificates(contentsOf: URL(fileURLWithPath: $0)) }
}
