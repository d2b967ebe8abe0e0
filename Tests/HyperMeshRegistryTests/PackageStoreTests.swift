import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
@testable import HyperMeshRegistry

@Suite("Packages as OCI artifacts in the content-addressed store")
struct PackageStoreTests {
    let fixtures: PackageFixtures
    init() throws { fixtures = try PackageFixtures() }

    func installer(_ store: PackageStore, platform: OCIPlatform = .current, abi: UInt32 = 1) -> PackageInstaller {
        PackageInstaller(store: store, verifier: fixtures.verifier, hostABI: abi, platform: platform)
    }

    func reference(_ version: String) throws -> OCIReference { try OCIReference(parsing: "localhost:1/offline/hello:\(version)") }

    @Test("A signed package becomes a manifest with its extension.json as config, one titled layer per file and the signature last, the same digest every time")
    func artifactShape() throws {
        let folder = try fixtures.package(version: "1.0.0", extraFiles: ["lib/data.bin": Data([1, 2, 3])])
        let artifact = try PackageArtifact.make(fromPackageAt: folder)
        #expect(artifact.imageManifest.artifactType == OCIMediaType.extensionArtifact)
        #expect(artifact.imageManifest.config.mediaType == OCIMediaType.extensionManifest)
        #expect(artifact.manifestBytes == (try Data(contentsOf: folder.appendingPathComponent("extension.json"))))
        #expect(artifact.imageManifest.layers.map(\.title) == ["hello.wasm", "lib/data.bin", "extension.sig"])
        #expect(artifact.imageManifest.layers.last?.mediaType == OCIMediaType.extensionSignature)
        #expect(try PackageArtifact.make(fromPackageAt: folder).digest == artifact.digest)
        try PackageArtifact.validate(artifact.imageManifest, source: "test")
    }

    @Test("A package whose files differ from its manifest cannot become an artifact")
    func staleRefused() throws {
        let folder = try fixtures.package(version: "1.0.0")
        try Data("changed".utf8).write(to: folder.appendingPathComponent("hello.wasm"))
        #expect { try PackageArtifact.make(fromPackageAt: folder) } throws: { ($0 as? RegistryError)?.code == .artifactInvalid }
    }

    @Test("Artifacts with another type, a layer without title, two layers with one title, an escaping title or a layer named extension.json are refused")
    func hostileArtifacts() throws {
        let good = try PackageArtifact.make(fromPackageAt: try fixtures.package(version: "1.0.0")).imageManifest
        var variants: [(OCIImageManifest, RegistryError.Code)] = []
        var wrongType = good; wrongType.artifactType = "application/vnd.example"; variants.append((wrongType, .artifactInvalid))
        var noTitle = good; noTitle.layers[0].annotations = nil; variants.append((noTitle, .artifactInvalid))
        var twice = good; twice.layers.append(good.layers[0]); variants.append((twice, .artifactInvalid))
        var escaping = good; escaping.layers[0].annotations = [OCIMediaType.titleAnnotation: "../../etc/passwd"]; variants.append((escaping, .artifactInvalid))
        var manifestLayer = good; manifestLayer.layers[0].annotations = [OCIMediaType.titleAnnotation: "extension.json"]; variants.append((manifestLayer, .artifactInvalid))
        var wrongConfig = good; wrongConfig.config.mediaType = "application/json"; variants.append((wrongConfig, .mediaTypeMismatch))
        for (manifest, code) in variants {
            #expect { try PackageArtifact.validate(manifest, source: "test") } throws: { ($0 as? RegistryError)?.code == code }
        }
    }

    @Test("Installing from an OCI layout materializes the package, pins it active, and a second fetch by digest transfers nothing")
    func installFromLayout() async throws {
        let (layoutFolder, digest) = try fixtures.layout([try fixtures.package(version: "1.0.0")])
        let (_, store) = try fixtures.stateDirectory()
        let installer = installer(store)
        let source = try OCILayoutSource(folder: layoutFolder)
        let fetched = try await installer.fetch(try reference("1.0.0"), from: source)
        #expect(fetched.transferred)
        #expect(fetched.package.digest == digest)
        try await installer.activate(fetched.package)
        let installed = store.installedFolder.appendingPathComponent("org.example.hello")
        let manifest = try ManifestDecoder.load(from: installed)
        #expect(manifest.version.description == "1.0.0")
        #expect(FileManager.default.fileExists(atPath: installed.appendingPathComponent("extension.sig").path))
        #expect(try await fixtures.verifier.verify(packageAt: installed).report.isLoadable)
        #expect(try store.active(id: "org.example.hello")?.version == manifest.version)
        let again = try await installer.fetch(try reference("1.0.0").pinned(to: digest), from: source)
        #expect(!again.transferred)
        let status = try store.status()
        #expect(status.unreferencedBlobs == 0)
        #expect(status.referenceCounts[digest.description] == 1)
    }

    @Test("Rollback returns to the pinned previous version from the store alone, and garbage collection keeps only pinned versions")
    func rollbackAndCollect() async throws {
        let (_, store) = try fixtures.stateDirectory()
        let installer = installer(store)
        for version in ["1.0.0", "1.1.0", "1.2.0"] {
            let (layout, _) = try fixtures.layout([try fixtures.package(version: version)])
            let fetched = try await installer.fetch(try reference(version), from: try OCILayoutSource(folder: layout))
            try await installer.activate(fetched.package)
            try FileManager.default.removeItem(at: layout)  // no source left: rollback must not need one
        }
        let pins = try store.packages().map { "\($0.version)=\($0.pin.rawValue)" }
        #expect(pins == ["1.0.0=none", "1.1.0=previous", "1.2.0=active"])
        let (from, to) = try await installer.rollback(id: "org.example.hello")
        #expect(from.version.description == "1.2.0" && to.version.description == "1.1.0")
        #expect(try ManifestDecoder.load(from: store.installedFolder.appendingPathComponent("org.example.hello")).version.description == "1.1.0")
        #expect(try store.packages().map { "\($0.version)=\($0.pin.rawValue)" } == ["1.0.0=none", "1.1.0=active", "1.2.0=previous"])
        let before = try store.status()
        let report = try store.collectGarbage()
        #expect(report.removedPackages.map(\.version.description) == ["1.0.0"])
        #expect(report.removedBlobs >= 3)  // its manifest, config, payload and signature
        let after = try store.status()
        #expect(after.blobs == before.blobs - report.removedBlobs)
        #expect(after.unreferencedBlobs == 0)
        // Both pinned versions still install offline.
        _ = try await installer.rollback(id: "org.example.hello")
        #expect(try store.active(id: "org.example.hello")?.version.description == "1.2.0")
    }

    @Test("A store blob modified on disk is refused when the package is staged, and the installed version is untouched")
    func tamperedStore() async throws {
        let (_, store) = try fixtures.stateDirectory()
        let installer = installer(store)
        let (layout1, _) = try fixtures.layout([try fixtures.package(version: "1.0.0")])
        try await installer.activate(try await installer.fetch(try reference("1.0.0"), from: try OCILayoutSource(folder: layout1)).package)
        let (layout2, _) = try fixtures.layout([try fixtures.package(version: "2.0.0")])
        let second = try await installer.fetch(try reference("2.0.0"), from: try OCILayoutSource(folder: layout2))
        let payload = try store.imageManifest(of: second.package).layers[0].digest
        var bytes = try Data(contentsOf: store.layout.blobURL(payload))
        bytes[10] ^= 0xFF
        try bytes.write(to: store.layout.blobURL(payload))
        await #expect { try await installer.activate(second.package) } throws: { ($0 as? RegistryError)?.code == .digestMismatch }
        #expect(try ManifestDecoder.load(from: store.installedFolder.appendingPathComponent("org.example.hello")).version.description == "1.0.0")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.installedFolder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test("An unsigned package is refused by verification and nothing of it is recorded or installed")
    func unsignedRefused() async throws {
        let (layout, _) = try fixtures.layout([try fixtures.package(version: "1.0.0", signed: false)])
        let (_, store) = try fixtures.stateDirectory()
        await #expect { try await installer(store).fetch(try reference("1.0.0"), from: try OCILayoutSource(folder: layout)) } throws: { error in
            guard let error = error as? RegistryError, error.code == .verificationRefused else { return false }
            return (error.underlyingError as? TrustError)?.code == .signatureMissing && error.subject?.contains("org.example.hello 1.0.0") == true
        }
        #expect(try store.packages().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: store.installedFolder.appendingPathComponent("org.example.hello").path))
    }

    @Test("A package for another host ABI, or another id than expected, is refused before it is stored")
    func incompatibleAndMismatched() async throws {
        let (layout, _) = try fixtures.layout([try fixtures.package(version: "1.0.0", abi: (2, 3))])
        let (_, store) = try fixtures.stateDirectory()
        await #expect { try await installer(store).fetch(try reference("1.0.0"), from: try OCILayoutSource(folder: layout)) } throws: { error in
            (error as? RegistryError)?.code == .incompatible && "\(error)".contains("supports host ABI 2...3; this host has 1")
        }
        let (layout2, _) = try fixtures.layout([try fixtures.package(version: "1.0.0")])
        let expectation = PackageInstaller.Expectation(id: "org.example.other", version: try SemanticVersion(parsing: "1.0.0"))
        await #expect { try await installer(store).fetch(try reference("1.0.0"), from: try OCILayoutSource(folder: layout2), expecting: expectation) } throws: {
            ($0 as? RegistryError)?.code == .packageMismatch
        }
        #expect(try store.packages().isEmpty)
    }

    @Test("An image index with a package per platform yields this platform's package, and a missing platform is named")
    func platforms() async throws {
        let amd = try fixtures.package(version: "1.0.0", extraFiles: ["arch.txt": Data("amd64".utf8)])
        let arm = try fixtures.package(version: "1.0.0", extraFiles: ["arch.txt": Data("arm64".utf8)])
        let (layout, _) = try fixtures.layout([amd, arm], platforms: [OCIPlatform(os: "linux", architecture: "amd64"), OCIPlatform(os: "linux", architecture: "arm64")])
        let (_, store) = try fixtures.stateDirectory()
        let fetched = try await installer(store, platform: OCIPlatform(os: "linux", architecture: "arm64"))
            .fetch(try reference("1.0.0"), from: try OCILayoutSource(folder: layout))
        try await installer(store).activate(fetched.package)
        #expect(try String(contentsOf: store.installedFolder.appendingPathComponent("org.example.hello/arch.txt"), encoding: .utf8) == "arm64")
        await #expect { try await installer(store, platform: OCIPlatform(os: "linux", architecture: "s390x")).fetch(try reference("1.0.0"), from: try OCILayoutSource(folder: layout)) } throws: { error in
            (error as? RegistryError)?.code == .platformUnavailable && "\(error)".contains("linux/amd64, linux/arm64")
        }
    }

    @Test("Re-adding a kept version with different content is refused: a published version never changes")
    func versionsAreImmutable() async throws {
        let (_, store) = try fixtures.stateDirectory()
        try store.add(try PackageArtifact.make(fromPackageAt: try fixtures.package(version: "1.0.0")))
        #expect { try store.add(try PackageArtifact.make(fromPackageAt: try fixtures.package(version: "1.0.0", payloadBytes: 100))) } throws: {
            ($0 as? RegistryError)?.code == .digestMismatch
        }
    }
}
