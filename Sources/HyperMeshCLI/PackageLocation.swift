import Foundation
import HyperMeshTrust

/// A package named on the command line. This version accepts folders only; `.hmx` archives are
/// refused with a clear error.
struct PackageLocation {
    let directory: URL

    static func open(_ path: String) throws -> PackageLocation {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PackageError(code: .manifestMissing, message: "\(path) is not a package folder (archives are not supported by this version)", path: path)
        }
        return PackageLocation(directory: URL(fileURLWithPath: path))
    }

    func commit() throws {}
    func close() {}
}
