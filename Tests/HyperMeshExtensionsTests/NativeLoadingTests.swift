import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// Loading real shared libraries built from source during the test.
@Suite struct NativeLoadingTests {
    @Test func cExtensionLoadsAnswersAndUnloads() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.echo")
        let (registry, problems) = try await host.registryWithStagedPackages()
        #expect(problems.isEmpty)
        #expect(try await registry.state(of: "org.tests.echo") == .verified)
        try await registry.activate("org.tests.echo")
        #expect(try await registry.state(of: "org.tests.echo") == .active)
        #expect(try await registry.callText("org.tests.echo", "echo", #"{"x":1}"#) == #"{"x":1}"#)
        let info = try await registry.info("org.tests.echo")
        #expect(info.pinnedInMemory == false)
        #expect(info.metrics.calls == 1)
        #expect(try await registry.unregister("org.tests.echo") == ["org.tests.echo"])
        #expect(await registry.registeredIDs.isEmpty)
    }

    @Test func cExtensionUnloadThenReloadWorks() async throws {
        let host = FixtureHost()
        let directory = try host.stageFixture(id: "org.tests.reload")
        let registry = try host.makeRegistry()
        for round in 1...3 {
            guard case .success(let package) = await ExtensionDiscovery.inspect(directory, verifier: TestTrust.allowingUnsigned) else {
                Issue.record("package did not verify")
                return
            }
            try await registry.register(package)
            try await registry.activate("org.tests.reload")
            #expect(try await registry.callText("org.tests.reload", "echo", "round \(round)") == "round \(round)")
            try await registry.unregister("org.tests.reload")
        }
    }

    @Test func swiftExtensionLoadsAnswersAndStaysMapped() async throws {
        let host = FixtureHost()
        let source = ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/hello-swift/HelloExtension.swift")
        let library = host.root.appendingPathComponent("libHello.so")
        try ExtensionBuilder.buildSwift(sources: [source], moduleName: "HelloExtension", output: library)
        let template = try JSONSerialization.jsonObject(
            with: Data(contentsOf: ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/hello-swift/extension.template.json"))) as! [String: Any]
        var manifest = template
        manifest["files"] = nil
        try PackageStager.stage(manifest: manifest, payload: library, entryName: manifest["entry"] as! String,
                                into: host.extensionsDirectory.appendingPathComponent("hello-swift"))
        let (registry, problems) = try await host.registryWithStagedPackages()
        #expect(problems.isEmpty)
        let id = manifest["id"] as! String
        try await registry.activate(id)
        let greeting = try await registry.callText(id, "greet", #"{"name":"swift"}"#)
        #expect(greeting.contains("hello, swift"))
        #expect(try await registry.info(id).pinnedInMemory == true)
        try await registry.unregister(id)
    }
}

/// Unloading a C extension really destroys its instance and unmaps its library.
@Suite struct NativeUnloadTests {
    typealias LiveInstances = @convention(c) () -> Int32

    @Test func unregisterDestroysTheInstanceAndUnmapsTheLibrary() async throws {
        let host = FixtureHost()
        let directory = try host.stageFixture(id: "org.tests.unmapped")
        let library = directory.appendingPathComponent("libfixture.so").path
        let (registry, _) = try await host.registryWithStagedPackages()
        #expect(dlopen(library, RTLD_NOW | RTLD_NOLOAD) == nil, "nothing is mapped before activation")
        try await registry.activate("org.tests.unmapped")
        do {
            let probe = try #require(dlopen(library, RTLD_NOW | RTLD_NOLOAD), "mapped while active")
            let live = unsafeBitCast(try #require(dlsym(probe, "fixture_live_instances")), to: LiveInstances.self)
            #expect(live() == 1)
            dlclose(probe)
        }
        try await registry.unregister("org.tests.unmapped")
        #expect(dlopen(library, RTLD_NOW | RTLD_NOLOAD) == nil, "dlclose unmapped the C image")
    }
}

@Suite struct CategoryTests {
    @Test func extensionsAreGroupedByCategory() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.one", manifest: ["category": "storage"])
        try host.stageFixture(id: "org.tests.two", manifest: ["category": "storage"])
        try host.stageFixture(id: "org.tests.three", manifest: ["category": "network"])
        let (registry, _) = try await host.registryWithStagedPackages()
        #expect(await registry.categories() == ["storage": ["org.tests.one", "org.tests.two"], "network": ["org.tests.three"]])
    }
}
