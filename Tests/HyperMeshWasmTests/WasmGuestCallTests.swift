import Foundation
import Testing
@testable import HyperMeshWasm

/// Calls that work: the request reaches the guest, the output comes back, fuel is metered
/// deterministically, lifecycle entries run.
@Suite struct WasmGuestCallTests {
    @Test func echoReturnsTheInputAndRequestsOfAnySizeFit() throws {
        let guest = try GuestFixtures.guest()
        #expect(try guest.call(method: "echo", input: Array("hello".utf8)).text == "hello")
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        #expect(try guest.call(method: "echo", input: big).output == big)
        #expect(try guest.call(method: "echo", input: []).output.isEmpty)
    }

    @Test func computeGivesTheReferenceAnswerWithTheSameFuelEveryTime() throws {
        let guest = try GuestFixtures.guest()
        // The first call also pays for the host's request buffer (hypermesh_alloc).
        _ = try guest.call(method: "noop", input: Array("1000".utf8))
        let first = try guest.call(method: "compute", input: Array("1000".utf8))
        let second = try guest.call(method: "compute", input: Array("1000".utf8))
        #expect(try guest.call(method: "compute", input: Array("0".utf8)).text == "88172645463325252")
        #expect(try guest.call(method: "compute", input: Array("1".utf8)).text == "8748534153485358512")
        #expect(first.text == second.text)
        #expect(first.fuelUsed == second.fuelUsed)
        let more = try guest.call(method: "compute", input: Array("2000".utf8))
        #expect(more.fuelUsed > first.fuelUsed)
    }

    @Test func anUnknownMethodIsTheGuestsOwnAnswerNotATrap() throws {
        let guest = try GuestFixtures.guest()
        let outcome = try guest.call(method: "nope", input: [])
        #expect(outcome.status == 3)
        #expect(outcome.errorMessage?.contains("unknown method") == true)
        #expect(guest.hasLiveInstance)
    }

    @Test func hostFunctionsGoThroughTheBindingsAndTheirRefusalsAreStatuses() throws {
        let bindings = RecordingBindings()
        let guest = try GuestFixtures.guest(bindings: bindings)
        #expect(try guest.call(method: "storage_put", input: Array("v1".utf8)).text == "stored")
        #expect(bindings.value("k") == Array("v1".utf8))
        let refusing = RecordingBindings(refuseStorage: true)
        let refused = try GuestFixtures.guest(bindings: refusing).call(method: "storage_put", input: Array("v".utf8))
        #expect(refused.status == 4)
        #expect(refused.errorMessage == "storage is not granted")
    }

    @Test func lifecycleEntriesRunAndAFreshInstanceIsActivatedAgain() throws {
        let bindings = RecordingBindings()
        let guest = try GuestFixtures.guest(defines: ["GUEST_LIFECYCLE": ""], declared: [.storage], limits: GuestFixtures.limits(fuel: 1_000_000), bindings: bindings)
        #expect(try guest.activate().status == 0)
        #expect(bindings.calls.filter { $0 == "log" }.count == 1)
        _ = try guest.call(method: "bump", input: [])
        #expect(try guest.health()?.text.contains("\"healthy\"") == true)
        #expect(throws: WasmError.self) { try guest.call(method: "spin", input: []) }
        _ = try guest.call(method: "noop", input: [])
        #expect(bindings.calls.filter { $0 == "log" }.count == 2, "activate ran again on the fresh instance")
        #expect(try guest.deactivate().status == 0)
    }

    @Test func aFailingActivateIsAStatusWithTheGuestsMessage() throws {
        let guest = try GuestFixtures.guest(defines: ["GUEST_LIFECYCLE": "", "GUEST_ACTIVATE_FAILS": ""])
        let outcome = try guest.activate()
        #expect(outcome.status == 7)
        #expect(outcome.errorMessage == "activation refused")
    }

    @Test func aGuestWithoutHealthSaysNothing() throws {
        #expect(try GuestFixtures.guest().health() == nil)
    }
}
