// An app that lets others extend it: it embeds a HyperMesh host, loads the hello extensions
// (native in process, native in an isolated worker, WebAssembly) and calls them.
//
//   swift run embedding-host <state-dir> <extensions-dir>
//
// <extensions-dir> holds staged packages (see README.md here); <state-dir> is created if missing.
import Foundation
import HyperMeshExtensions
import HyperMeshSecurity

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: embedding-host <state-dir> <extensions-dir>\n".utf8))
    exit(64)
}
let stateDirectory = URL(fileURLWithPath: arguments[1])
let extensions = URL(fileURLWithPath: arguments[2])

// The app's policy, held in memory: every extension may use host storage; the hello extension
// copied as `org.hypermesh.examples.hello.isolated` runs in a confined worker process.
let policy = SecurityPolicy(
    defaults: PolicyRule(allow: [.storage]),
    extensions: ["org.hypermesh.examples.hello.isolated": PolicyRule(allow: [.storage], isolation: .process)])

// The three lines: open the host, activate, call.
let host = try await HyperMeshHost(configuration: .init(stateDirectory: stateDirectory, searchPaths: [extensions],
                                                         trust: .allowUnsigned(), policy: .value(policy)))
for problem in host.problems {
    print("skipped \(problem.directory.lastPathComponent): \(problem.error)")
}
var failures = 0
for info in await host.list() {
    let id = info.manifest.id
    do {
        try await host.activate(id)
        let reply = try await host.call(id, method: "greet", input: Array(#"{"name":"embedder"}"#.utf8))
        let mode = try await host.inspect(id).isolation ?? "in-process"
        print("\(id) [\(mode)]: \(String(decoding: reply, as: UTF8.self))")
    } catch {
        print("\(id): \(error)")
        failures += 1
    }
}
await host.shutdown()
exit(failures == 0 ? 0 : 1)
