import CHyperMeshABI
import Foundation
import HyperMeshErrors
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshTrust
import Logging

/// What a distribution command works with: the state directory's store and installer, the
/// verifier of the trust store, the registry access, the audit log, the lock file and the index
/// cache. Opened per command; ``close()`` shuts the registry client down and closes the audit log.
package final class DistributionContext: Sendable {
    package let stateDirectory: URL
    package let store: PackageStore
    package let verifier: PackageVerifier
    package let installer: PackageInstaller
    package let registries: RegistryAccess
    package let audit: AuditLog
    package let lockFile: URL
    package let indexCache: IndexCache
    package let logger: Logger

    package static func open(host: HostOptions, distribution: DistributionOptions, mountFrom: [String] = []) async throws -> DistributionContext {
        let stateDirectory = host.resolvedStateDirectory()
        let logger = host.makeLogger()
        let verifier = try host.makeVerifier(logger: logger)
        let store = try await BlockingIO.run { () throws(RegistryError) in try PackageStore(stateDirectory: stateDirectory) }
        let registries = try RegistryAccess(
            insecureRegistries: Set(distribution.insecureRegistries), caBundles: try distribution.caBundles(),
            credentialsFile: RegistryAccess.credentialsFile(stateDirectory: stateDirectory),
            dockerConfig: distribution.resolvedDockerConfig(), mountFrom: mountFrom, logger: logger)
        return DistributionContext(
            stateDirectory: stateDirectory, store: store, verifier: verifier,
            installer: PackageInstaller(store: store, verifier: verifier, hostABI: HostABI.version),
            registries: registries, audit: try host.openAudit(),
            lockFile: distribution.lock.map { URL(fileURLWithPath: $0) } ?? stateDirectory.appendingPathComponent(LockFile.fileName),
            indexCache: IndexCache(stateDirectory: stateDirectory, verifier: verifier), logger: logger)
    }

    private init(stateDirectory: URL, store: PackageStore, verifier: PackageVerifier, installer: PackageInstaller,
                 registries: RegistryAccess, audit: AuditLog, lockFile: URL, indexCache: IndexCache, logger: Logger) {
        self.stateDirectory = stateDirectory
        self.store = store
        self.verifier = verifier
        self.installer = installer
        self.registries = registries
        self.audit = audit
        self.lockFile = lockFile
        self.indexCache = indexCache
        self.logger = logger
    }

    package func close() async {
        await registries.shutdown()
        audit.close()
    }

    /// Appends a `distribution` audit record. A record that cannot be written is reported on
    /// stderr and fails the command (no install goes unrecorded silently).
    package func record(_ id: String?, _ message: String, details: [String: String] = [:]) throws {
        try audit.append(AuditEntry(kind: .distribution, extensionID: id, message: message, details: details))
    }

    /// Appends the refusal of `error` to the audit log, then returns it for rethrowing.
    package func recordRefusal(_ id: String?, action: String, _ error: any Error) -> any Error {
        let code = (error as? any HyperMeshError)?.codeRawValue ?? ErrorRecord.untypedErrorCode
        do {
            try record(id, "\(action) refused: \(error)", details: ["action": action, "outcome": "refused", "code": code])
        } catch {
            Console.current.err("warning: the refusal could not be written to the audit log: \(error)")
        }
        return error
    }

    package func readLock() async throws -> LockFile? {
        let file = lockFile
        return try await BlockingIO.run { () throws(RegistryError) in try LockFile.read(from: file) }
    }

    package func writeLock(_ lock: LockFile) async throws {
        let file = lockFile
        try await BlockingIO.run { () throws(RegistryError) in try lock.write(to: file) }
    }

    /// A progress printer for transfers: one line per blob finished, plus one line per 8 MiB of a
    /// large blob, on stderr.
    package static func progressLines(label: String) -> @Sendable (TransferProgress) -> Void {
        let console = Console.current
        return { progress in
            let done = progress.completedBytes == progress.totalBytes
            if done || progress.completedBytes % (8 << 20) < (64 << 10) {
                console.err("\(label): \(progress.digest.hex.prefix(12)) \(progress.completedBytes)/\(progress.totalBytes) bytes\(done ? " done" : "")")
            }
        }
    }
}

/// The host ABI this build of HyperMesh implements (`HYPERMESH_ABI_VERSION`).
package enum HostABI {
    package static var version: UInt32 { UInt32(HYPERMESH_ABI_VERSION) }
}

extension DistributionContext {
    /// The frame of every distribution command: opens a context, runs `body`, closes the context
    /// (shutting the registry client down) whether `body` succeeds or not, then prints the result
    /// as one JSON document (`--json`) or with `text`. A failure is reported the way every command
    /// reports one (``CommandFailure``).
    package static func command<Output: Encodable>(
        host: HostOptions, distribution: DistributionOptions, format: OutputOptions, mountFrom: [String] = [],
        _ body: (DistributionContext) async throws -> Output, text: (Output) -> Void
    ) async throws {
        let context: DistributionContext
        do { context = try await open(host: host, distribution: distribution, mountFrom: mountFrom) } catch { throw CommandFailure.report(error, json: format.json) }
        let output: Output
        do {
            output = try await body(context)
        } catch {
            await context.close()
            throw CommandFailure.report(error, json: format.json)
        }
        await context.close()
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            text(output)
        }
    }
}
