import ArgumentParser
import Foundation
import HyperMeshFleet
import HyperMeshRollout

/// The operator's changes to a running rollout: pause, resume, abort. Each is one compare-and-swap
/// on the rollout record (a node moving the rollout at the same moment makes it read again).
enum FleetControl {
    static func change(extensionID: String, options: FleetOptions, format: OutputOptions, verb: String,
                       _ transition: @escaping @Sendable (RolloutRecord, Date) throws -> RolloutTransition) async throws {
        do {
            let record = try await options.withFleet { state -> RolloutRecord in
                for _ in 0..<5 {
                    guard let stored = try await state.rollout(extensionID: extensionID) else {
                        throw FleetError(.rolloutUnknown, subject: extensionID, "no rollout of \(extensionID) is recorded in the fleet")
                    }
                    let changed = try transition(stored.record, Date())
                    if try await state.replaceRollout(changed.record, expectedModRevision: stored.modRevision) { return changed.record }
                }
                throw FleetError(.rolloutConflict, subject: extensionID, "the rollout kept changing while it was being \(verb); try again")
            }
            if format.json {
                Console.current.out(JSONOutput.string(FleetRolloutSummary(record)))
            } else {
                Console.current.out("\(record.id): \(verb) — \(FleetRolloutSummary(record).phase)")
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
    }
}

/// `hypermesh fleet pause ID`
public struct FleetPause: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Hold a rollout where it is: no further wave opens (nodes already on the new version stay).",
        discussion: "With --json, stdout holds the rollout's summary (as `fleet status`).")
    @Argument(help: "The extension whose rollout to pause.") public var id: String
    @OptionGroup public var fleet: FleetOptions
    @OptionGroup public var format: OutputOptions
    public init() {}

    public func run() async throws {
        try await FleetControl.change(extensionID: id, options: fleet, format: format, verb: "paused") { record, now in
            try RolloutStateMachine.pause(record, now: now)
        }
    }
}

/// `hypermesh fleet resume ID`
public struct FleetResume: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Let a paused rollout go on; the current wave's health window starts again.",
        discussion: "With --json, stdout holds the rollout's summary (as `fleet status`).")
    @Argument(help: "The extension whose rollout to resume.") public var id: String
    @OptionGroup public var fleet: FleetOptions
    @OptionGroup public var format: OutputOptions
    public init() {}

    public func run() async throws {
        try await FleetControl.change(extensionID: id, options: fleet, format: format, verb: "resumed") { record, now in
            try RolloutStateMachine.resume(record, now: now)
        }
    }
}

/// `hypermesh fleet abort ID`
public struct FleetAbort: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Stop a rollout and roll every node that took the new version back to the previous one, from its store.",
        discussion: "With --json, stdout holds the rollout's summary (as `fleet status`).")
    @Argument(help: "The extension whose rollout to abort.") public var id: String
    @Option(help: "Why (recorded in the rollout's history).") public var reason: String = "aborted by the operator"
    @OptionGroup public var fleet: FleetOptions
    @OptionGroup public var format: OutputOptions
    public init() {}

    public func run() async throws {
        let reason = self.reason
        try await FleetControl.change(extensionID: id, options: fleet, format: format, verb: "aborted") { record, now in
            try RolloutStateMachine.abort(record, reason: reason, now: now)
        }
    }
}
