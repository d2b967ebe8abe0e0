import Foundation
import HyperMeshManifest
import Testing
@testable import HyperMeshWasm

/// Loading: malformed bytes, refused imports, missing exports, the module cache.
@Suite struct WasmModuleTests {
    @Test func malformedBytesAreRefusedWithTheParserReason() throws {
        for bytes: [UInt8] in [[], Array("not wasm".utf8), [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff]] {
            let error = try #require(throws: WasmError.self) { try WasmModule(bytes: bytes, digest: "x") }
            #expect(error.code == .malformedModule)
            #expect(error.cause != nil)
        }
    }

    @Test func aTruncatedRealModuleIsMalformed() throws {
        let bytes = try GuestFixtures.bytes()
        let error = try #require(throws: WasmError.self) { try WasmModule(bytes: Array(bytes.prefix(bytes.count / 2)), digest: "half") }
        #expect(error.code == .malformedModule)
    }

    @Test func aModuleWithoutTheRequiredExportsIsRefused() throws {
        let error = try #require(throws: WasmError.self) { try WasmModule(bytes: WasmFuelRate.spinModule, digest: "spin") }
        #expect(error.code == .missingExport)
        #expect(error.message.contains("memory") || error.message.contains("hypermesh_alloc"))
    }

    @Test func anImportTheManifestDidNotDeclareIsRefusedByName() throws {
        let module = try GuestFixtures.module(.importUndeclared)
        let error = try #require(throws: WasmError.self) { try module.hostImports(declared: [.storage], offered: GuestFixtures.offered) }
        #expect(error.code == .importRefused)
        #expect(error.message.contains("hypermesh.http_request"))
        #expect(error.message.contains("networkAccess"))
        #expect(try module.hostImports(declared: [.networkAccess], offered: GuestFixtures.offered).contains { $0.name == "http_request" })
    }

    @Test func unknownFunctionsAndOtherModulesAreRefusedByName() throws {
        let unknown = try #require(throws: WasmError.self) {
            try GuestFixtures.module(.importUnknown).hostImports(declared: Set(Capability.allCases), offered: GuestFixtures.offered)
        }
        #expect(unknown.code == .importRefused)
        #expect(unknown.message.contains("hypermesh.does_not_exist"))
        let env = try #require(throws: WasmError.self) {
            try GuestFixtures.module(.importEnv).hostImports(declared: Set(Capability.allCases), offered: GuestFixtures.offered)
        }
        #expect(env.code == .importRefused)
        #expect(env.message.contains("env.abort"))
    }

    @Test func theCacheParsesEachDigestOnce() throws {
        let cache = WasmModuleCache(capacity: 2)
        let bytes = try GuestFixtures.bytes()
        var reads = 0
        for _ in 0..<3 {
            _ = try cache.module(digest: "a") { reads += 1; return bytes }
        }
        #expect(reads == 1)
        #expect(cache.statistics.hits == 2)
        _ = try cache.module(digest: "b") { bytes }
        _ = try cache.module(digest: "c") { bytes }
        #expect(cache.statistics.count == 2)
        // A parse error is not cached.
        #expect(throws: WasmError.self) { try cache.module(digest: "bad") { [1, 2, 3] } }
        #expect(throws: WasmError.self) { try cache.module(digest: "bad") { [1, 2, 3] } }
        #expect(cache.statistics.count == 2)
    }

    @Test func theCalibratedRateIsPlausible() {
        let rate = WasmFuelRate.calibrate(runs: 3, targetNanoseconds: 1_000_000)
        #expect(rate.fuelPerMillisecond > 1_000)
        #expect(rate.fuel(forMilliseconds: 10) == rate.fuelPerMillisecond * 10)
        #expect(WasmFuelRate(fuelPerMillisecond: .max).fuel(forMilliseconds: 2) == .max)
    }
}

/// Limits derived from quotas saturate instead of overflowing.
@Suite struct WasmLimitsTests {
    @Test func theDeadlineIsTenTimesTheQuotaAtLeastOneSecondAndSaturates() {
        let rate = WasmFuelRate(fuelPerMillisecond: 1_000)
        #expect(WasmLimits.forQuota(cpuMilliseconds: 20, memoryBytes: nil, rate: rate).deadlineNanoseconds == 1_000_000_000)
        #expect(WasmLimits.forQuota(cpuMilliseconds: 500, memoryBytes: nil, rate: rate).deadlineNanoseconds == 5_000_000_000)
        let huge = WasmLimits.forQuota(cpuMilliseconds: .max, memoryBytes: nil, rate: rate)
        #expect(huge.deadlineNanoseconds == .max)
        #expect(huge.fuelPerCall == .max)
        #expect(huge.memoryBytes == WasmLimits.defaultMemoryBytes)
    }
}
