package import Foundation
import Logging
import UnixSignals

/// SIGTERM and SIGINT for a node. The node's ServiceGroup owns the first one
/// (`gracefulShutdownSignals`: the graceful shutdown, see ``NodeServer``); what ServiceGroup does
/// not offer, with no limit on cancellation, is "a second signal exits at once": that is this loop,
/// which counts the same signals and exits with status 130 at the second.
enum NodeSignals {
    /// Runs until cancelled; logs the first SIGTERM or SIGINT and exits the process (130) at the second.
    static func exitOnSecondSignal(logger: Logger) async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        var received = 0
        for await signal in signals {
            received += 1
            if received == 1 {
                logger.notice("\(signal): shutting down (drain in-flight calls, deactivate, flush the audit log); send it again to exit at once")
            } else {
                logger.warning("\(signal) again: exiting now")
                exit(130)
            }
        }
    }
}
