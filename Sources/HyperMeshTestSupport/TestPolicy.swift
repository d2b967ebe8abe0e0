import HyperMeshManifest
import HyperMeshSecurity

/// Policies for tests whose subject is not the policy.
public enum TestPolicy {
    /// Allows every capability an extension declares (an operator who trusts everything declared);
    /// quotas are the manifests' own.
    public static let grantingEverythingDeclared = SecurityPolicy(defaults: PolicyRule(allow: Set(Capability.allCases)))
}
