import Foundation
import HyperMeshTrust

/// ``FixturePackages`` signed by a fresh development CA (Ed25519 root and code-signing
/// certificate), with the trust store that trusts its root: what a verified startup reads.
public struct SignedFixturePackages: Sendable {
    public let packages: FixturePackages
    public let authority: DevelopmentCA

    /// A trust store (in memory) holding only the CA's root, without a revocation list.
    public var trustStore: TrustStore { authority.trustStore }

    /// Builds and stages `count` fixture packages under `root` (see ``FixturePackages/build(count:under:)``)
    /// and signs every one of them.
    public static func build(count: Int, under root: URL) throws(BenchmarkSetupError) -> SignedFixturePackages {
        let packages = try FixturePackages.build(count: count, under: root)
        do {
            let authority = try DevelopmentCA.generate(name: "HyperMesh Benchmarks")
            for id in packages.ids {
                try authority.sign(packageAt: packages.extensionsDirectory.appendingPathComponent(id))
            }
            return SignedFixturePackages(packages: packages, authority: authority)
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot sign the fixture packages under \(root.path)", cause: error.description)
        }
    }
}
