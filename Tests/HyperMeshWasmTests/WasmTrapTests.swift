import Foundation
import Testing
@testable import HyperMeshWasm

/// Every way a guest can misbehave ends its call with a typed error, and the next call runs on a
/// fresh instance.
@Suite struct WasmTrapTests {
    @Test func aGuestThatLoopsForeverRunsOutOfFuelAndTheNextCallWorks() throws {
        let guest = try GuestFixtures.guest(limits: GuestFixtures.limits(fuel: 2_000_000))
        #expect(try guest.call(method: "bump", input: []).text == "1")
        let error = try #require(throws: WasmError.self) { try guest.call(method: "spin", input: []) }
        #expect(error.code == .outOfFuel)
        #expect(guest.lastFuelUsed > 1_900_000)
        #expect(!guest.hasLiveInstance)
        #expect(guest.hasSpareInstance, "the trap made the next instance already")
        // A fresh instance: memory state (the bump counter) starts again.
        #expect(try guest.call(method: "bump", input: []).text == "1")
        #expect(guest.instancesCreated == 2)
    }

    @Test func aGuestThatGrowsMemoryWithoutEndStopsAtTheLimit() throws {
        let guest = try GuestFixtures.guest(limits: GuestFixtures.limits(memoryBytes: 2 << 20))
        let error = try #require(throws: WasmError.self) { try guest.call(method: "grow", input: []) }
        #expect(error.code == .memoryLimit)
        #expect(error.message.contains("\(2 << 20)"))
        #expect(try guest.call(method: "noop", input: []).status == 0)
    }

    @Test func anInitialMemoryOverTheLimitFailsAtCreation() throws {
        let error = try #require(throws: WasmError.self) {
            try GuestFixtures.guest(limits: GuestFixtures.limits(memoryBytes: 1_024))
        }
        #expect(error.code == .memoryLimit)
    }

    @Test func unreachableIsReportedAsSuch() throws {
        let guest = try GuestFixtures.guest()
        let error = try #require(throws: WasmError.self) { try guest.call(method: "unreachable", input: []) }
        #expect(error.code == .unreachable)
    }

    @Test func anOutOfBoundsPointerPassedToTheHostNeverReachesIt() throws {
        let bindings = RecordingBindings()
        let guest = try GuestFixtures.guest(bindings: bindings)
        let error = try #require(throws: WasmError.self) { try guest.call(method: "oob_pointer", input: []) }
        #expect(error.code == .outOfBounds)
        #expect(error.message.contains("4294967280"))
        #expect(bindings.value("k") == nil)
    }

    @Test func anOutputLongerThanMemoryIsOutOfBounds() throws {
        let guest = try GuestFixtures.guest()
        let error = try #require(throws: WasmError.self) { try guest.call(method: "huge_output", input: []) }
        #expect(error.code == .outOfBounds)
        #expect(error.message.contains("the output"))
    }

    @Test func theDeadlineIsCheckedAtHostCalls() throws {
        let bindings = RecordingBindings()
        let guest = try GuestFixtures.guest(limits: GuestFixtures.limits(deadlineNanoseconds: 1), bindings: bindings)
        let error = try #require(throws: WasmError.self) { try guest.call(method: "storage_put", input: Array("v".utf8)) }
        #expect(error.code == .deadlineExceeded)
        #expect(error.message.contains("storage_put"))
        #expect(bindings.calls.isEmpty)
    }

    @Test func trapCodesSayWhetherTheyAreTraps() {
        #expect(WasmErrorCode.outOfFuel.isTrap)
        #expect(WasmErrorCode.outOfBounds.isTrap)
        #expect(!WasmErrorCode.importRefused.isTrap)
        #expect(!WasmErrorCode.malformedModule.isTrap)
    }
}
