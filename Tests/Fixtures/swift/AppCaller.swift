// A Swift extension (HyperMeshExtensionKit) for the app-function tests: org.tests.kit-app-caller.
//
//   notify  the input, as bytes, to the app function `notify`; answers its output
//   typed   {"text":T} to `notify` through the Codable callApp; answers {"reply":R} (R: the output
//           decoded as a JSON string)
//   files   writes "a.txt" and "sub/b.txt" in the data folder, then answers fileList("") as
//           [{"name":N,"kind":K}]
import HyperMeshExtensionKit

final class AppCaller: HyperMeshExtension {
    private let host: ExtensionHost

    init(host: ExtensionHost) throws(ExtensionError) {
        self.host = host
    }

    struct Message: Encodable { var text: String }
    struct Reply: Encodable { var reply: String }
    struct Entry: Encodable { var name: String; var kind: String }

    func handle(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        switch method {
        case "notify":
            return try host.callApp("notify", input: input)
        case "typed":
            let text = String(decoding: input, as: UTF8.self)
            let reply: String = try host.callApp("notify", Message(text: text))
            return try JSONPayload.encode(Reply(reply: reply))
        case "files":
            try host.fileWrite("a.txt", Array("a".utf8))
            try host.fileWrite("sub/b.txt", Array("b".utf8))
            return try JSONPayload.encode(try host.fileList("").map { Entry(name: $0.name, kind: $0.kind) })
        default:
            throw .unknownMethod("unknown method '\(method)'")
        }
    }
}

let appCallerExport = ExtensionExport(AppCaller.self, id: "org.tests.kit-app-caller", version: "1.0.0", name: "Kit app caller")

@_cdecl("hypermesh_extension_metadata")
public func hypermeshMetadata() -> UnsafeRawPointer { appCallerExport.metadata }
@_cdecl("hypermesh_extension_create")
public func hypermeshCreate(_ host: UnsafeRawPointer?, _ context: OpaquePointer?, _ error: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    appCallerExport.create(host, context, error)
}
@_cdecl("hypermesh_extension_destroy")
public func hypermeshDestroy(_ instance: UnsafeMutableRawPointer?) { appCallerExport.destroy(instance) }
