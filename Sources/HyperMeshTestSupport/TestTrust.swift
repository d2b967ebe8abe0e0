import HyperMeshTrust

/// Verifiers for tests whose subject is not signing.
public enum TestTrust {
    /// Accepts unsigned packages (still checking every file digest), with an empty trust store:
    /// a signed package is refused, since no root is trusted.
    public static let allowingUnsigned = PackageVerifier(trustStore: .empty, allowUnsigned: true)
}
