import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// Lays out extension packages for tests: the payload next to an `extension.json` whose `files`
/// lists the payload's SHA-256. Packages are unsigned; signing is not done here.
public enum PackageStager {
    /// Copies `payload` to `<directory>/<entryName>` and writes `<directory>/extension.json`: the
    /// `manifest` dictionary with `files` set to `{entryName: sha256}` (and `entry` set to
    /// `entryName` when the dictionary has none). Creates `directory` if needed, overwrites both
    /// files, and returns `directory`.
    ///
    /// The manifest is written as given otherwise (sorted keys, pretty-printed), without
    /// validation, so tests can stage invalid manifests on purpose. Refused: a non-empty `files`
    /// (the stager computes it), an `entry` different from `entryName`, and an `entryName` that is
    /// absolute or contains `..`.
    @discardableResult
    public static func stage(
        manifest: [String: Any], payload: URL, entryName: String, into directory: URL
    ) throws(TestSupportError) -> URL {
        let components = entryName.split(separator: "/", omittingEmptySubsequences: false)
        guard !entryName.isEmpty, !entryName.hasPrefix("/"), !components.contains(".."), !components.contains("") else {
            throw TestSupportError(code: .invalidArgument, message: "entry name '\(entryName)' must be a relative path without '..' or empty parts")
        }
        if let files = manifest["files"], (files as? [String: Any])?.isEmpty != true {
            throw TestSupportError(code: .invalidManifest, message: "the manifest must not list 'files': the stager computes them")
        }
        if let entry = manifest["entry"], (entry as? String) != entryName {
            throw TestSupportError(code: .invalidManifest, message: "the manifest's entry '\(entry)' differs from the staged entry '\(entryName)'")
        }
        guard FileManager.default.fileExists(atPath: payload.path) else {
            throw TestSupportError(code: .sourceMissing, message: "no payload at \(payload.path)")
        }
        let target = directory.appendingPathComponent(entryName)
        let digest: String
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.removeItem(at: target)
            }
            try FileManager.default.copyItem(at: payload, to: target)
            digest = try FileDigest.sha256Hex(ofFileAt: target)
        } catch {
            throw TestSupportError(code: .fileSystem, message: "cannot stage \(payload.path) into \(directory.path)", cause: "\(error)")
        }
        var staged = manifest
        staged["files"] = [entryName: digest]
        staged["entry"] = entryName
        do {
            guard JSONSerialization.isValidJSONObject(staged) else {
                throw TestSupportError(code: .invalidManifest, message: "the manifest dictionary holds values that are not JSON")
            }
            let data = try JSONSerialization.data(withJSONObject: staged, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try data.write(to: directory.appendingPathComponent(Manifest.fileName), options: .atomic)
        } catch let error as TestSupportError {
            throw error
        } catch {
            throw TestSupportError(code: .fileSystem, message: "cannot write \(Manifest.fileName) into \(directory.path)", cause: "\(error)")
        }
        return directory
    }

    /// Reads a manifest template (e.g. `Examples/catalog.manifest.template.json`) as a dictionary.
    public static func loadTemplate(_ url: URL) throws(TestSupportError) -> [String: Any] {
        do {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            guard let dictionary = object as? [String: Any] else {
                throw TestSupportError(code: .invalidManifest, message: "\(url.path) does not hold a JSON object")
            }
            return dictionary
        } catch let error as TestSupportError {
            throw error
        } catch {
            throw TestSupportError(code: .fileSystem, message: "cannot read the template \(url.path)", cause: "\(error)")
        }
    }

    /// `Examples/catalog.manifest.template.json`: the Catalog's manifest without file digests.
    public static var catalogTemplate: URL {
        ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/catalog.manifest.template.json")
    }

    /// Builds the Catalog and stages it with ``catalogTemplate`` into `directory` (entry
    /// `libCatalogExtension.so`, or `.dylib` on macOS). Returns `directory`.
    @discardableResult
    public static func stageCatalog(into directory: URL) throws(TestSupportError) -> URL {
        let entry = "libCatalogExtension.\(ExtensionBuilder.libraryFileExtension)"
        var manifest = try loadTemplate(catalogTemplate)
        manifest["entry"] = entry
        let library = try ExtensionBuilder.buildCatalog(output: ExtensionBuilder.temporaryDirectory().appendingPathComponent(entry))
        defer { try? FileManager.default.removeItem(at: library.deletingLastPathComponent()) }
        return try stage(manifest: manifest, payload: library, entryName: entry, into: directory)
    }
}
