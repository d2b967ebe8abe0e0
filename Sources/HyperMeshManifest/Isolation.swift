/// Where a native extension runs. The operator's policy may force `process` (per extension or per
/// signer); an extension cannot ask for less isolation than the policy requires.
public enum Isolation: String, Sendable, Hashable, CaseIterable, Codable {
    /// In the host's process: fastest; trusted code only (memory and descriptors are shared).
    case inProcess = "in-process"
    /// In its own `hypermesh-sandbox` worker process: rlimits, no_new_privs, seccomp and a cgroup
    /// where the machine allows, and a crash or a hang costs the host nothing.
    case process
}
