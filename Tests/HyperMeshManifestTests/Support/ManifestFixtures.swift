import Foundation
@testable import HyperMeshManifest
import HyperMeshStrictJSON

/// Manifests used across the tests, as `JSONValue`s so tests can change one field at a time.
enum ManifestFixtures {
    static let digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let otherDigest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    /// Only the required keys.
    static let minimal: JSONValue = [
        "id": "org.example.tool",
        "name": "Tool",
        "version": "1.0.0",
        "kind": "native",
        "entry": "lib/libtool.so",
        "abi": ["min": 1, "max": 1],
        "category": "tools",
    ]

    /// Every key, with non-default values.
    static let full: JSONValue = [
        "id": "org.hypermesh.catalog",
        "name": "Catalog",
        "version": "1.4.0-beta.2+build.77",
        "kind": "native",
        "entry": "lib/libCatalogExtension.so",
        "abi": ["min": 1, "max": 3],
        "category": "assets",
        "capabilities": ["storage", "assetManagement", "vmExecution", "events"],
        "quotas": [
            "cpuMillisecondsPerCall": 250, "memoryBytes": 67108864, "storageBytes": 0, "networkBytes": 1024,
            "fileDescriptors": 16, "operationsPerSecond": 100, "concurrency": 4,
        ],
        "dependencies": ["org.hypermesh.base": "^1.2.0", "org.example.codec": ">=2.0.0 <3.0.0 || 3.1.0-rc.1"],
        "files": ["lib/libCatalogExtension.so": .string(digest), "assets/schema.json": .string(otherDigest)],
        "description": "An asset library.",
        "authors": ["Ada <ada@example.org>", "Grace"],
        "license": "Apache-2.0",
    ]

    static func data(_ value: JSONValue) -> Data { JSONWriter.data(for: value, prettyPrinted: true) }

    static func data(_ text: String) -> Data { Data(text.utf8) }
}
