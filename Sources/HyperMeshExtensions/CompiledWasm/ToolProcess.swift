import Foundation

/// Runs one command-line tool to its end and returns what it printed (stdout and stderr
/// together): the compiled tier's `wasm2c` and C compiler.
///
/// Blocking by design: call it only from a thread that may block (the registry's own executor),
/// never from the cooperative pool. A tool still running after `timeout` is killed (SIGKILL) and
/// the run fails.
enum ToolProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Duration) throws(Failure) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "\(executable) did not start: \(error)")
        }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(Int(timeout.components.seconds * 1_000)))
        let pid = process.processIdentifier
        timer.setEventHandler { kill(pid, SIGKILL) }
        timer.resume()
        // Read to the end before waiting: a tool that fills the pipe would otherwise never exit.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus) (over \(timeout) or from outside)"
            let tail = output.count > 2_000 ? "…" + output.suffix(2_000) : output[...]
            throw Failure(description: "\(URL(fileURLWithPath: executable).lastPathComponent) \(how): \(tail.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return output
    }
}
