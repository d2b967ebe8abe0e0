import HyperMeshAudit
import HyperMeshConsensus
import HyperMeshErrors
import HyperMeshExtensions
import HyperMeshFleet
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshResolver
import HyperMeshRollout
import HyperMeshSandbox
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshTrust
import HyperMeshWasm
import Testing
@testable import HyperMeshCLI

/// Every code of every error type, with the category it must have: the category decides the HTTP
/// status and the exit code, so a change here is a change of the public contract. A code added to
/// a type's `knownCodes` without a row here fails, and so does a row for a code the type lost.
@Suite("Every error code maps to its category")
struct ErrorCategoryTableTests {
    static func check<E: HyperMeshError>(_ type: E.Type, _ table: [String: HyperMeshErrorCategory],
                                         sourceLocation: SourceLocation = #_sourceLocation) {
        let known = E.knownCodes
        #expect(Set(known.map(\.rawValue)).count == known.count, "\(E.self) lists a code twice", sourceLocation: sourceLocation)
        #expect(Set(known.map(\.rawValue)) == Set(table.keys),
                "\(E.self): codes without a row: \(Set(known.map(\.rawValue)).subtracting(table.keys).sorted()); rows without a code: \(Set(table.keys).subtracting(known.map(\.rawValue)).sorted())",
                sourceLocation: sourceLocation)
        for code in known {
            #expect(code.category == table[code.rawValue], "\(code.rawValue)", sourceLocation: sourceLocation)
            #expect(HyperMeshErrorCode<E>(rawValue: code.rawValue) == code, sourceLocation: sourceLocation)
        }
    }

    @Test("Every RegistryError code has its category")
    func registryError() {
        Self.check(RegistryError.self, [
            "oci.reference_invalid": .invalidInput, "oci.artifact_invalid": .integrity, "oci.platform_unavailable": .notFound,
            "oci.digest_mismatch": .integrity, "oci.media_type_mismatch": .integrity, "oci.too_large": .tooLarge,
            "oci.not_found": .notFound, "oci.unauthorized": .unauthenticated, "oci.denied": .forbidden,
            "oci.rate_limited": .rateLimited, "oci.unavailable": .unavailable, "oci.protocol_violation": .integrity,
            "oci.insecure_refused": .forbidden, "oci.credentials_unreadable": .invalidInput, "oci.incompatible": .conflict,
            "oci.package_mismatch": .integrity, "oci.verification_refused": .integrity, "oci.file_failed": .internal,
            "oci.size_mismatch": .integrity, "oci.lock_invalid": .invalidInput,
        ])
    }

    @Test("Every ResolverFailure code has its category")
    func resolverFailure() {
        Self.check(ResolverFailure.self, [
            "resolve.no_solution": .conflict, "resolve.unknown_package": .notFound, "resolve.dependency_cycle": .invalidInput,
        ])
    }

    @Test("Every IndexError code has its category")
    func indexError() {
        Self.check(IndexError.self, [
            "index.malformed": .invalidInput, "index.signature_refused": .integrity, "index.rollback": .integrity,
            "index.equivocation": .integrity, "index.expired": .forbidden, "index.entry_unknown": .notFound,
            "index.conflict": .conflict, "index.cache_failed": .internal,
        ])
    }

    @Test("Every ExtensionError code has its category")
    func extensionError() {
        Self.check(ExtensionError.self, [
            "manifest.invalid": .invalidInput,
            "package.invalid": .invalidInput,
            "package.untrusted": .forbidden,
            "package.payload_changed": .integrity,
            "registry.duplicate": .conflict,
            "registry.unknown_extension": .notFound,
            "load.dlopen_failed": .invalidInput,
            "load.symbol_missing": .invalidInput,
            "load.abi_mismatch": .invalidInput,
            "load.metadata_mismatch": .invalidInput,
            "load.create_failed": .extensionFailed,
            "load.unsupported_kind": .invalidInput,
            "lifecycle.illegal_transition": .conflict,
            "lifecycle.activation_failed": .extensionFailed,
            "lifecycle.deactivation_failed": .extensionFailed,
            "lifecycle.reload_failed": .extensionFailed,
            "lifecycle.state_handover_failed": .extensionFailed,
            "dependency.resolution_failed": .conflict,
            "dependency.depended_upon": .conflict,
            "call.not_active": .conflict,
            "call.method_failed": .extensionFailed,
            "call.invalid_output": .extensionFailed,
            "asset.type_taken": .conflict,
            "asset.no_handler": .notFound,
            "security.grant_pending": .conflict,
            "host.configuration_invalid": .invalidInput,
            "security.suspended": .forbidden,
            "security.rate_limited": .rateLimited,
            "security.quota_exceeded": .forbidden,
            "security.policy_invalid": .invalidInput,
            "audit.write_failed": .unavailable,
            "isolation.worker_crashed": .extensionFailed,
            "isolation.deadline_exceeded": .extensionFailed,
            "isolation.worker_failed": .internal,
            "isolation.request_too_large": .tooLarge,
            "isolation.confinement_unavailable": .unavailable,
            "wasm.out_of_fuel": .extensionFailed,
            "wasm.deadline_exceeded": .extensionFailed,
            "wasm.memory_limit": .extensionFailed,
            "wasm.table_limit": .extensionFailed,
            "wasm.unreachable": .extensionFailed,
            "wasm.out_of_bounds": .extensionFailed,
            "wasm.trap": .extensionFailed,
            "wasm.malformed_module": .invalidInput,
            "wasm.import_refused": .invalidInput,
            "wasm.missing_export": .invalidInput,
            "wasm.host_error": .internal,
            "wasm.compile_failed": .internal,
        ])
    }

    @Test("Every TrustError code has its category")
    func trustError() {
        Self.check(TrustError.self, [
            "trust.file_check_failed": .integrity,
            "trust.manifest_invalid": .invalidInput,
            "trust.signature_missing": .forbidden,
            "trust.signature_malformed": .integrity,
            "trust.signature_too_large": .integrity,
            "trust.signature_invalid": .integrity,
            "trust.certificate_expired": .forbidden,
            "trust.certificate_not_yet_valid": .forbidden,
            "trust.untrusted_chain": .forbidden,
            "trust.not_code_signing": .forbidden,
            "trust.certificate_revoked": .forbidden,
            "trust.package_revoked": .forbidden,
            "trust.revocation_list_untrusted": .integrity,
            "trust.revocation_list_malformed": .invalidInput,
            "trust.store_unreadable": .invalidInput,
            "trust.key_unreadable": .invalidInput,
            "trust.certificate_unreadable": .invalidInput,
            "trust.unsupported_key": .invalidInput,
            "trust.key_mismatch": .invalidInput,
            "trust.signing_failed": .internal,
            "trust.write_failed": .internal,
        ])
    }

    @Test("Every PackageError code has its category")
    func packageError() {
        Self.check(PackageError.self, [
            "package.manifest_missing": .invalidInput,
            "package.file_unreadable": .invalidInput,
            "package.file_missing": .integrity,
            "package.digest_mismatch": .integrity,
            "package.unlisted_file": .integrity,
            "package.path_escapes": .integrity,
            "package.not_regular_file": .integrity,
        ])
    }

    @Test("Every ArchiveError code has its category")
    func archiveError() {
        Self.check(ArchiveError.self, [
            "archive.malformed": .invalidInput,
            "archive.unsupported_format": .invalidInput,
            "archive.unsupported_entry": .invalidInput,
            "archive.invalid_path": .invalidInput,
            "archive.path_escapes": .integrity,
            "archive.path_through_link": .integrity,
            "archive.link_escapes": .integrity,
            "archive.duplicate_entry": .invalidInput,
            "archive.entry_too_large": .tooLarge,
            "archive.too_large": .tooLarge,
            "archive.too_many_entries": .tooLarge,
            "archive.io": .internal,
            "archive.destination_exists": .conflict,
        ])
    }

    @Test("Every ManifestError code has its category")
    func manifestError() {
        Self.check(ManifestError.self, [
            "manifest.file_not_found": .notFound,
            "manifest.unreadable": .invalidInput,
            "manifest.too_large": .tooLarge,
            "manifest.invalid_json": .invalidInput,
            "manifest.duplicate_key": .invalidInput,
            "manifest.unknown_key": .invalidInput,
            "manifest.missing_key": .invalidInput,
            "manifest.type_mismatch": .invalidInput,
            "manifest.bad_version": .invalidInput,
            "manifest.bad_version_range": .invalidInput,
            "manifest.bad_identifier": .invalidInput,
            "manifest.unknown_capability": .invalidInput,
            "manifest.duplicate_capability": .invalidInput,
            "manifest.unknown_kind": .invalidInput,
            "manifest.bad_path": .invalidInput,
            "manifest.bad_digest": .invalidInput,
            "manifest.entry_not_listed": .invalidInput,
            "manifest.bad_abi_range": .invalidInput,
            "manifest.bad_category": .invalidInput,
            "manifest.bad_value": .invalidInput,
            "manifest.bad_quota": .invalidInput,
            "manifest.bad_network_host": .invalidInput,
            "manifest.bad_isolation": .invalidInput,
            "manifest.bad_engine": .invalidInput,
            "manifest.self_dependency": .invalidInput,
        ])
    }

    @Test("Every PolicyError code has its category")
    func policyError() {
        Self.check(PolicyError.self, [
            "policy.unreadable": .invalidInput,
            "policy.invalid_json": .invalidInput,
            "policy.duplicate_key": .invalidInput,
            "policy.unknown_key": .invalidInput,
            "policy.bad_value": .invalidInput,
        ])
    }

    @Test("Every AuditError code has its category")
    func auditError() {
        Self.check(AuditError.self, [
            "audit.open_failed": .unavailable,
            "audit.write_failed": .unavailable,
            "audit.read_failed": .unavailable,
            "audit.closed": .unavailable,
        ])
    }

    @Test("Every StateError code has its category")
    func stateError() {
        Self.check(StateError.self, [
            "state.unavailable": .unavailable,
            "state.invalid_key": .invalidInput,
            "state.invalid_batch": .invalidInput,
            "state.quota_exceeded": .forbidden,
        ])
    }

    @Test("Every ConsensusError code has its category")
    func consensusError() {
        Self.check(ConsensusError.self, [
            "consensus.invalid_parameters": .invalidInput,
            "consensus.invalid_plot_size": .invalidInput,
            "consensus.invalid_plot_seed": .invalidInput,
            "consensus.plot_parameter_mismatch": .invalidInput,
            "consensus.undecodable_json": .invalidInput,
            "consensus.signing_failed": .internal,
            "consensus.identity_damaged": .invalidInput,
            "consensus.unencodable_json": .internal,
        ])
    }

    @Test("Every WasmError code has its category")
    func wasmError() {
        Self.check(WasmError.self, [
            "wasm.out_of_fuel": .extensionFailed,
            "wasm.deadline_exceeded": .extensionFailed,
            "wasm.memory_limit": .extensionFailed,
            "wasm.table_limit": .extensionFailed,
            "wasm.unreachable": .extensionFailed,
            "wasm.out_of_bounds": .extensionFailed,
            "wasm.trap": .extensionFailed,
            "wasm.malformed_module": .invalidInput,
            "wasm.import_refused": .invalidInput,
            "wasm.missing_export": .invalidInput,
            "wasm.host_error": .internal,
        ])
    }

    @Test("Every WorkerError code has its category")
    func workerError() {
        Self.check(WorkerError.self, [
            "sandbox.executable_not_found": .unavailable,
            "sandbox.spawn_failed": .unavailable,
            "sandbox.version_mismatch": .internal,
            "sandbox.protocol": .extensionFailed,
            "sandbox.load_failed": .extensionFailed,
            "sandbox.crashed": .extensionFailed,
            "sandbox.deadline": .extensionFailed,
            "sandbox.not_running": .unavailable,
            "sandbox.system": .internal,
            "sandbox.request_too_large": .tooLarge,
            "sandbox.confinement_unavailable": .unavailable,
        ])
    }

    @Test("Every ResolutionError code has its category")
    func resolutionError() {
        Self.check(ResolutionError.self, [
            "resolution.missing_dependency": .notFound,
            "resolution.version_conflict": .conflict,
            "resolution.no_matching_version": .conflict,
            "resolution.cycle": .invalidInput,
            "resolution.abi_incompatible": .conflict,
            "resolution.unknown_extension": .notFound,
        ])
    }

    @Test("Every LifecycleTransitionError code has its category")
    func lifecycleTransitionError() {
        Self.check(LifecycleTransitionError.self, [
            "lifecycle.illegal_transition": .conflict,
            "lifecycle.transition_in_progress": .conflict,
            "lifecycle.unexpected_completion": .internal,
        ])
    }

    @Test("Every TestSupportError code has its category")
    func testSupportError() {
        Self.check(TestSupportError.self, [
            "testsupport.tool_not_found": .unavailable,
            "testsupport.source_missing": .notFound,
            "testsupport.invalid_argument": .invalidInput,
            "testsupport.launch_failed": .unavailable,
            "testsupport.compile_failed": .invalidInput,
            "testsupport.file_system": .internal,
            "testsupport.invalid_manifest": .invalidInput,
        ])
    }

    @Test("Every NodeError code has its category")
    func nodeError() {
        Self.check(NodeError.self, [
            "node.bad_request": .invalidInput,
            "node.unauthorized": .unauthenticated,
            "node.not_found": .notFound,
            "node.method_not_allowed": .invalidInput,
            "node.too_large": .tooLarge,
            "node.shutting_down": .unavailable,
            "node.unreachable": .unavailable,
            "node.bad_answer": .internal,
            "node.document_mismatch": .internal,
            "node.unexpected_answer": .unavailable,
            "cli.invalid_argument": .invalidInput,
            "isolation.probe_failed": .unavailable,
        ])
    }

    @Test("Every FleetError code has its category")
    func fleetError() {
        Self.check(FleetError.self, [
            "fleet.configuration_invalid": .invalidInput,
            "fleet.rollout_unknown": .notFound,
            "fleet.rollout_conflict": .conflict,
            "fleet.pull_failed": .unavailable,
            "fleet.peer_refused": .integrity,
            "fleet.activation_failed": .extensionFailed,
            "fleet.rolled_back": .extensionFailed,
            "fleet.wait_timed_out": .unavailable,
        ])
    }

    @Test("Every EtcdError code has its category")
    func etcdError() {
        Self.check(EtcdError.self, [
            "etcd.unavailable": .unavailable,
            "etcd.timeout": .unavailable,
            "etcd.refused": .invalidInput,
            "etcd.lease_expired": .conflict,
            "etcd.compacted": .conflict,
            "etcd.protocol_violation": .unavailable,
            "etcd.endpoint_invalid": .invalidInput,
        ])
    }

    @Test("Every RolloutError code has its category")
    func rolloutError() {
        Self.check(RolloutError.self, [
            "rollout.waves_invalid": .invalidInput,
            "rollout.record_invalid": .invalidInput,
            "rollout.simulation_invalid": .invalidInput,
            "rollout.already_final": .conflict,
            "rollout.already_paused": .conflict,
            "rollout.not_paused": .conflict,
        ])
    }
}
