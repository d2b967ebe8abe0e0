import Foundation
import HyperMeshManifest
import HyperMeshTrust
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a native payload that verification saw, at load time: every load of a native
/// library — the first, an operator's activate, a restart after a worker crash, a hot reload —
/// goes through here, so a library swapped in the package folder after verification is refused
/// (`package.payload_changed`, naming the extension and the file) instead of mapped.
///
/// The digest is the one the manifest lists for `entry`, which verification checked against the
/// file and the signature covers (``DiscoveredPackage/manifest``).
///
/// - ``check(_:)`` hashes the payload in the package folder again, right before an in-process
///   `dlopen` of that path. Not guaranteed: that the file is not replaced in the instant between
///   the check and the `dlopen` (the package folder must be writable only by the operator).
/// - ``privateCopy(of:stateDirectory:)`` copies the payload into a folder of the state dir (the
///   ``ShadowCopy`` layout), hashing the bytes it copies, and returns the copy only if they are the
///   verified ones: what is mapped is exactly what was hashed. Isolated workers and reloads map
///   such a copy.
///
/// Both read the payload as a regular file only (``RegularFile``). The reading blocks the calling
/// thread for as long as it takes to read the library once.
enum VerifiedPayload {
    /// Refuses the payload in the package folder unless its SHA-256 is the verified one.
    static func check(_ package: DiscoveredPackage) throws(ExtensionError) {
        let expected = try verifiedDigest(of: package)
        let actual: String
        do throws(RegularFileError) {
            actual = try FileDigest.sha256Hex(of: try RegularFile(path: package.payload.path))
        } catch {
            throw unreadable(package, error)
        }
        guard actual == expected else { throw changed(package, actual: actual, expected: expected) }
    }

    /// A private copy of the payload with the verified SHA-256, under
    /// `<state dir>/shadow/<id>/<version>-<random>/<file name>` (removed with ``ShadowCopy/remove(_:stateDirectory:)``).
    static func privateCopy(of package: DiscoveredPackage, stateDirectory: URL) throws(ExtensionError) -> URL {
        let manifest = package.manifest
        let expected = try verifiedDigest(of: package)
        let source: RegularFile
        do throws(RegularFileError) {
            source = try RegularFile(path: package.payload.path)
        } catch {
            throw unreadable(package, error)
        }
        let copy = try ShadowCopy.newFolder(stateDirectory: stateDirectory, extensionID: manifest.id, version: manifest.version.description)
            .appendingPathComponent(package.payload.lastPathComponent)
        let actual: String
        do throws(ExtensionError) {
            actual = try copyHashing(source, to: copy, extensionID: manifest.id)
        } catch {
            ShadowCopy.remove(copy, stateDirectory: stateDirectory)
            throw error
        }
        guard actual == expected else {
            ShadowCopy.remove(copy, stateDirectory: stateDirectory)
            throw changed(package, actual: actual, expected: expected)
        }
        return copy
    }

    /// Copies `source` to the new file `destination` (owner read and execute only), returning the
    /// SHA-256 of the bytes written.
    private static func copyHashing(_ source: RegularFile, to destination: URL, extensionID: String) throws(ExtensionError) -> String {
        let descriptor = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o500)
        guard descriptor >= 0 else {
            throw ExtensionError(.libraryOpenFailed, extensionID: extensionID, "cannot create the private copy \(destination.path) of the library",
                                 cause: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var hasher = FileDigest.Hasher()
        var failure: String?
        do throws(RegularFileError) {
            try source.forEachChunk { chunk in
                guard failure == nil else { return }
                hasher.update(chunk)
                var written = 0
                while written < chunk.count {
                    let count = write(descriptor, chunk.baseAddress! + written, chunk.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = String(cString: strerror(errno))
                        return
                    }
                    written += count
                }
            }
        } catch {
            throw ExtensionError(.libraryOpenFailed, extensionID: extensionID, "cannot read the library \(source.path)", cause: error.description)
        }
        if let failure {
            throw ExtensionError(.libraryOpenFailed, extensionID: extensionID, "cannot write the private copy \(destination.path) of the library", cause: failure)
        }
        return hasher.finalize()
    }

    private static func verifiedDigest(of package: DiscoveredPackage) throws(ExtensionError) -> String {
        let manifest = package.manifest
        guard let listed = manifest.files[manifest.entry] else {
            throw ExtensionError(.invalidPackage, extensionID: manifest.id,
                                 "the manifest lists no SHA-256 for the payload \(manifest.entry), so its bytes cannot be checked before loading")
        }
        return listed.lowercased()
    }

    private static func unreadable(_ package: DiscoveredPackage, _ error: RegularFileError) -> ExtensionError {
        let manifest = package.manifest
        if case .notRegular = error {
            return ExtensionError(.payloadChanged, extensionID: manifest.id,
                                  "the payload \(manifest.entry) is no longer a regular file; it was replaced after verification", cause: error.description)
        }
        return ExtensionError(.libraryOpenFailed, extensionID: manifest.id, "cannot read the payload \(manifest.entry) to check it before loading",
                              cause: error.description)
    }

    private static func changed(_ package: DiscoveredPackage, actual: String, expected: String) -> ExtensionError {
        let manifest = package.manifest
        return ExtensionError(.payloadChanged, extensionID: manifest.id,
                              "the payload \(manifest.entry) in \(package.directory.path) changed after verification and is not loaded: its SHA-256 is \(actual), verification saw \(expected); reload the package to verify it again")
    }
}
