import Foundation
import HyperMeshTestSupport

enum FixtureLibrary {
    static func build(id: String, into output: URL) throws {
        try ExtensionBuilder.buildFixture(defines: ["FIXTURE_ID": ExtensionBuilder.cString(id)], output: output)
    }
}
