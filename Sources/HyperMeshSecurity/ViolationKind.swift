/// What an extension did wrong. Raw values are stable: they are written to the audit log and to
/// metrics, and named in the policy file.
public enum ViolationKind: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// Called a host function whose capability it was not granted.
    case capabilityDenied = "capability_denied"
    /// A storage write would have passed the storage quota.
    case storageQuota = "storage_quota"
    /// A request would have passed the network byte quota.
    case networkQuota = "network_quota"
    /// A request to a host not on the manifest's allowlist.
    case networkHostDenied = "network_host_denied"
    /// A request whose host resolved to an address the policy's `network.deniedAddresses` lists
    /// (or a redirect to a host off the allowlist).
    case networkAddressDenied = "network_address_denied"
    /// A file path outside the extension's data folder (`..`, absolute, or a link out).
    case pathEscape = "path_escape"
    /// More calls or host API operations per second than its rate allows.
    case rateLimited = "rate_limited"
    /// A call used more CPU time than the per-call quota.
    case cpuPerCall = "cpu_per_call"
    /// The extension used more CPU time in total than its quota.
    case cpuTotal = "cpu_total"
    /// The anomaly detector fired.
    case anomaly
    /// A WebAssembly call trapped: out of fuel, memory or table limit, unreachable, an
    /// out-of-bounds access or pointer, the deadline.
    case wasmTrap = "wasm_trap"
    /// An isolated worker's sandbox refused something: a system call its seccomp filter traps
    /// (a socket, a new process, ptrace…) or a descriptor past the open-files limit (the worker finds its descriptor table full after a request).
    case sandboxRefused = "sandbox_refused"
}
