// The hello example as a WebAssembly guest in Embedded Swift: org.hypermesh.examples.hello.wasm-swift
//
//   echo   output = input, byte for byte
//   noop   no output
//   greet  {"name":"x"} -> {"greeting":"hello, x"}
//   count  increments a counter kept in host storage (key "count") -> {"count":N}
//
// The same answers as Examples/wasm-hello-c. Build: Examples/wasm-build.sh, or README.md.

@_cdecl("hm_handle")
func hmHandle(_ method: UnsafePointer<UInt8>?, _ methodLength: Int, _ input: UnsafePointer<UInt8>?, _ inputLength: Int) -> Int32 {
    Guest.dispatch(method, methodLength, input, inputLength, to: handle)
}

func handle(_ request: Request) throws(GuestError) -> [UInt8]? {
    if request.method(is: "echo") { return request.input }
    if request.method(is: "noop") { return nil }
    if request.method(is: "greet") { return try greet(request.input) }
    if request.method(is: "count") { return try count() }
    throw GuestError(.unknownMethod, "unknown method; known methods: count, echo, greet, noop")
}

func greet(_ input: [UInt8]) throws(GuestError) -> [UInt8] {
    guard case .found(let name) = JSON.stringField("name", in: input) else {
        throw GuestError(.invalidArgument, "greet expects {\"name\": \"...\"}")
    }
    return Array("{\"greeting\":\"hello, ".utf8) + JSON.escape(name) + Array("\"}".utf8)
}

func count() throws(GuestError) -> [UInt8] {
    let previous = try Guest.storageGet("count").map { UInt64(leadingDecimal: $0) } ?? 0
    let next = previous + 1
    try Guest.storagePut("count", next.decimalBytes)
    return Array("{\"count\":".utf8) + next.decimalBytes + [0x7D]
}
