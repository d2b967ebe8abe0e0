/// Routes a method name to a handler that takes a `Decodable` request and returns an `Encodable`
/// response, both JSON (see ``JSONPayload``).
///
/// Handlers receive a `Context` (typically the extension object) instead of capturing it, so a
/// router can be a `static let` shared by every instance and never forms a retain cycle:
///
/// ```swift
/// static let router = MethodRouter<Hello>()
///     .route("greet") { (hello, request: GreetRequest) throws(ExtensionError) in try hello.greet(request) }
///     .route("count") { hello throws(ExtensionError) in try hello.count() }
/// ```
///
/// A request that does not decode is ``ExtensionErrorCode/invalidArgument`` naming the field; an
/// unregistered method is ``ExtensionErrorCode/unknownMethod`` listing the known ones. Registering a
/// method twice keeps the later handler. The router adds no locking: it calls handlers on the
/// caller's thread.
public struct MethodRouter<Context>: Sendable {
    /// A handler on raw bytes, for methods whose payload is not JSON.
    public typealias RawHandler = @Sendable (Context, [UInt8]) throws(ExtensionError) -> [UInt8]

    private var routes: [String: RawHandler] = [:]

    public init() {}

    /// The registered method names, sorted.
    public var methods: [String] { routes.keys.sorted() }

    /// Adds a method whose input decodes as `Request` and whose result encodes as JSON.
    public func route<Request: Decodable & SendableMetatype, Response: Encodable & SendableMetatype>(
        _ method: String,
        _ handler: @escaping @Sendable (Context, Request) throws(ExtensionError) -> Response
    ) -> MethodRouter {
        raw(method) { (context, input) throws(ExtensionError) in
            let request = try JSONPayload.decode(Request.self, from: input, method: method)
            return try JSONPayload.encode(try handler(context, request))
        }
    }

    /// Adds a method that takes no input (whatever input is sent is ignored).
    public func route<Response: Encodable & SendableMetatype>(
        _ method: String,
        _ handler: @escaping @Sendable (Context) throws(ExtensionError) -> Response
    ) -> MethodRouter {
        raw(method) { (context, _) throws(ExtensionError) in try JSONPayload.encode(try handler(context)) }
    }

    /// Adds a method on raw bytes.
    public func raw(_ method: String, _ handler: @escaping RawHandler) -> MethodRouter {
        var copy = self
        copy.routes[method] = handler
        return copy
    }

    /// Calls the handler registered for `method`.
    public func handle(method: String, input: [UInt8], context: Context) throws(ExtensionError) -> [UInt8] {
        guard let handler = routes[method] else {
            throw .unknownMethod("unknown method '\(method)'; known methods: \(methods.joined(separator: ", "))")
        }
        return try handler(context, input)
    }
}
