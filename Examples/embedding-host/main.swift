// An app that lets others extend it: it embeds a HyperMesh host, offers the extensions a function
// of its own (`notify`), loads the hello extensions (native in process, native in an isolated
// worker, WebAssembly) and calls them.
//
//   swift run embedding-host <state-dir> <extensions-dir>
//
// <extensions-dir> holds staged packages (see README.md here); <state-dir> is created if missing.
import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: embedding-host <state-dir> <extensions-dir>\n".utf8))
    exit(64)
}
let stateDirectory = URL(fileURLWithPath: arguments[1])
let extensions = URL(fileURLWithPath: arguments[2])

// The app's own function: extensions that declare `app:notify` (and are granted it) may call it
// from native code (`host->app_call`), an isolated worker, or wasm (import module `app`).
let notifications = Mutex<[String]>([])
let notify = try HostFunction.app("notify") { call in
    notifications.withLock { $0.append("\(call.extensionID): \(String(decoding: call.input, as: UTF8.self))") }
    return Array(#"{"delivered":true}"#.utf8)
}
let notifyCapability = Capability.app("notify")!

// The app's policy, held in memory: every extension may use host storage and notify; the hello
// extension copied as `org.hypermesh.examples.hello.isolated` runs in a confined worker process.
let policy = SecurityPolicy(
    defaults: PolicyRule(allow: [.storage, notifyCapability]),
    extensions: ["org.hypermesh.examples.hello.isolated": PolicyRule(allow: [.storage, notifyCapability], isolation: .process)])

// Open the host (then activate and call: the three lines of docs/embedding.md, with more configuration).
let host = try await HyperMeshHost(configuration: .init(stateDirectory: stateDirectory, searchPaths: [extensions],
                                                         trust: .allowUnsigned(), policy: .value(policy),
                                                         hostFunctions: [HostFunctionSet(name: "app", functions: [notify])]))
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
        if info.manifest.capabilities.contains(notifyCapability) {
            let answer = try await host.call(id, method: "notify", input: Array(#"{"text":"hello from \#(id)"}"#.utf8))
            print("\(id) notified the app: \(String(decoding: answer, as: UTF8.self))")
        }
    } catch {
        print("\(id): \(error)")
        failures += 1
    }
}
for line in notifications.withLock({ $0 }) { print("app received: \(line)") }
await host.shutdown()
exit(failures == 0 ? 0 : 1)
