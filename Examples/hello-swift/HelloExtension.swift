// The hello example in Swift: org.hypermesh.examples.hello.swift
//
//   greet  {"name":"x"} -> {"greeting":"hello, x"}
//   count  increments a counter kept in host storage (key "count") -> {"count":N}
//
// Build: see README.md in this folder.
import HyperMeshExtensionKit

final class HelloExtension: HyperMeshExtension {
    private let host: ExtensionHost

    init(host: ExtensionHost) throws(ExtensionError) {
        self.host = host
    }

    func handle(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        try Self.router.handle(method: method, input: input, context: self)
    }

    struct GreetRequest: Decodable {
        var name: String
    }

    struct Greeting: Encodable {
        var greeting: String
    }

    struct Count: Encodable {
        var count: UInt64
    }

    static let router = MethodRouter<HelloExtension>()
        .route("greet") { (_, request: GreetRequest) throws(ExtensionError) in
            Greeting(greeting: "hello, \(request.name)")
        }
        .route("count") { (hello: HelloExtension) throws(ExtensionError) in try hello.count() }

    private func count() throws(ExtensionError) -> Count {
        let stored = try host.storageGet("count").map { String(decoding: $0, as: UTF8.self) }
        guard let previous = UInt64(stored ?? "0") else {
            throw .internal("the stored counter is not a number: \(stored ?? "")")
        }
        let next = previous + 1
        try host.storagePut("count", Array(String(next).utf8))
        return Count(count: next)
    }
}

// The three C entry points, forwarded to the Kit.
let helloExport = ExtensionExport(
    HelloExtension.self, id: "org.hypermesh.examples.hello.swift", version: "1.0.0", name: "Hello (Swift)")

@_cdecl("hypermesh_extension_metadata")
public func hypermeshMetadata() -> UnsafeRawPointer { helloExport.metadata }

@_cdecl("hypermesh_extension_create")
public func hypermeshCreate(_ host: UnsafeRawPointer?, _ context: OpaquePointer?, _ error: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    helloExport.create(host, context, error)
}

@_cdecl("hypermesh_extension_destroy")
public func hypermeshDestroy(_ instance: UnsafeMutableRawPointer?) { helloExport.destroy(instance) }
