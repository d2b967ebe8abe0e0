// HyperMeshGuest.swift — the Embedded Swift kit for HyperMesh WebAssembly guests.
//
// Compile it with the extension's sources in one Embedded Swift module and link the C kit
// (`hypermesh_guest.c`), which provides the allocator (`hypermesh_alloc`, malloc, free,
// posix_memalign) and exports `hypermesh_handle`, calling the extension's `hm_handle`:
//
//     @_cdecl("hm_handle")
//     func hmHandle(_ method: UnsafePointer<UInt8>?, _ methodLength: Int,
//                   _ input: UnsafePointer<UInt8>?, _ inputLength: Int) -> Int32 {
//         Guest.dispatch(method, methodLength, input, inputLength, to: handle)
//     }
//
// Ownership: the request is copied into `Request` (the host's buffer is never freed); results of
// host functions are copied into Swift arrays and released with the C kit's `hm_free`.
// A guest instance is single-threaded; nothing here is synchronized. The contract is docs/wasm-abi.md.

// MARK: - Host functions (module "hypermesh", through the C kit) and the C kit
//
// Swift's calling convention adds hidden parameters on wasm32, so the imports cannot be declared
// here with @_extern(wasm): their signatures would not match the ABI. The C kit's hm_host_*
// functions forward to them with the C convention.

@_extern(c, "hm_host_output")
func hypermeshOutput(_ pointer: UnsafeRawPointer?, _ length: Int)
@_extern(c, "hm_host_error_message")
func hypermeshErrorMessage(_ pointer: UnsafeRawPointer?, _ length: Int)
@_extern(c, "hm_host_last_error")
func hypermeshLastError(_ outPointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ outLength: UnsafeMutablePointer<Int>) -> Int32
@_extern(c, "hm_host_log")
func hypermeshLog(_ level: Int32, _ pointer: UnsafeRawPointer?, _ length: Int)
@_extern(c, "hm_host_storage_get")
func hypermeshStorageGet(
    _ key: UnsafeRawPointer?, _ keyLength: Int,
    _ outPointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ outLength: UnsafeMutablePointer<Int>) -> Int32
@_extern(c, "hm_host_storage_put")
func hypermeshStoragePut(_ key: UnsafeRawPointer?, _ keyLength: Int, _ value: UnsafeRawPointer?, _ valueLength: Int) -> Int32
@_extern(c, "hm_host_storage_delete")
func hypermeshStorageDelete(_ key: UnsafeRawPointer?, _ keyLength: Int) -> Int32

@_extern(c, "hm_free")
func hmFree(_ pointer: UnsafeMutableRawPointer?)

// MARK: - Values

/// A status of `hypermesh_extension.h`: what `hypermesh_handle` and host functions return.
public enum Status: Int32 {
    case ok = 0
    case invalidArgument = 1
    case notFound = 2
    case unknownMethod = 3
    case permissionDenied = 4
    case quotaExceeded = 5
    case conflict = 6
    case unavailable = 7
    case internalError = 8

    /// The status of a host function's raw result (an unknown value counts as `internalError`).
    public init(code: Int32) { self = Status(rawValue: code) ?? .internalError }
}

/// Log levels of the host's `log`.
public enum LogLevel: Int32 {
    case trace = 0, debug, info, warning, error
}

/// A failed call: a non-zero status and the message that goes with it (UTF-8).
public struct GuestError: Error {
    public var status: Status
    public var message: [UInt8]

    public init(_ status: Status, _ message: StaticString) {
        self.status = status
        self.message = message.withUTF8Buffer { Array($0) }
    }

    public init(_ status: Status, bytes: [UInt8]) {
        self.status = status
        self.message = bytes
    }
}

/// One request, copied out of the host's buffer.
public struct Request {
    /// The method name (UTF-8).
    public let method: [UInt8]
    /// The input bytes (JSON by convention).
    public let input: [UInt8]

    /// True if the method is `name`.
    public func method(is name: StaticString) -> Bool {
        name.withUTF8Buffer { $0.elementsEqual(method) }
    }
}

// MARK: - Calls

/// The guest side of one call, and the host functions as Swift.
public enum Guest {
    /// Runs `handler` on the request at (method, input) and answers the host: its output (nil for
    /// none) with status 0, or a thrown error's status and message. Call it from `hm_handle`.
    public static func dispatch(
        _ method: UnsafePointer<UInt8>?, _ methodLength: Int, _ input: UnsafePointer<UInt8>?, _ inputLength: Int,
        to handler: (Request) throws(GuestError) -> [UInt8]?
    ) -> Int32 {
        let request = Request(method: copy(method, methodLength), input: copy(input, inputLength))
        do throws(GuestError) {
            if let output = try handler(request) { Guest.output(output) }
            return Status.ok.rawValue
        } catch {
            error.message.withUnsafeBytes { hypermeshErrorMessage($0.baseAddress, $0.count) }
            return error.status.rawValue
        }
    }

    /// Sets the call's output (the host copies it at once; the last one set is the answer).
    public static func output(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { hypermeshOutput($0.baseAddress, $0.count) }
    }

    /// Writes a log line. Never fails (lines over the host's rate are dropped).
    public static func log(_ level: LogLevel, _ message: String) {
        var message = message
        message.withUTF8 { hypermeshLog(level.rawValue, $0.baseAddress, $0.count) }
    }

    /// The value stored under `key`, or nil if there is none. Needs the `storage` capability.
    public static func storageGet(_ key: String) throws(GuestError) -> [UInt8]? {
        var pointer: UnsafeMutableRawPointer? = nil
        var length = 0
        var key = key
        let code = key.withUTF8 { hypermeshStorageGet($0.baseAddress, $0.count, &pointer, &length) }
        let status = Status(code: code)
        if status == .notFound { return nil }
        guard status == .ok else { throw hostError(status) }
        return take(pointer, length)
    }

    /// Stores `value` under `key`. Needs the `storage` capability.
    public static func storagePut(_ key: String, _ value: [UInt8]) throws(GuestError) {
        var key = key
        let code = key.withUTF8 { key in
            value.withUnsafeBytes { hypermeshStoragePut(key.baseAddress, key.count, $0.baseAddress, $0.count) }
        }
        let status = Status(code: code)
        guard status == .ok else { throw hostError(status) }
    }

    /// Deletes `key`. Needs the `storage` capability.
    public static func storageDelete(_ key: String) throws(GuestError) {
        var key = key
        let status = Status(code: key.withUTF8 { hypermeshStorageDelete($0.baseAddress, $0.count) })
        guard status == .ok else { throw hostError(status) }
    }

    /// The error of a failed host function: its status and the host's `last_error` message.
    public static func hostError(_ status: Status) -> GuestError {
        var pointer: UnsafeMutableRawPointer? = nil
        var length = 0
        guard hypermeshLastError(&pointer, &length) == Status.ok.rawValue else { return GuestError(status, bytes: []) }
        return GuestError(status, bytes: take(pointer, length))
    }

    private static func copy(_ pointer: UnsafePointer<UInt8>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    /// Copies a host result into an array and frees it.
    private static func take(_ pointer: UnsafeMutableRawPointer?, _ length: Int) -> [UInt8] {
        guard let pointer else { return [] }
        let bytes = copy(pointer.assumingMemoryBound(to: UInt8.self), length)
        hmFree(pointer)
        return bytes
    }
}

// MARK: - Numbers

extension UInt64 {
    /// The decimal number at the start of `bytes` after blanks (0 when there is none, saturating).
    public init(leadingDecimal bytes: [UInt8]) {
        var value: UInt64 = 0
        var index = 0
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let digit = UInt64(bytes[index] - 0x30)
            if value > (UInt64.max - digit) / 10 { self = .max; return }
            value = value * 10 + digit
            index += 1
        }
        self = value
    }

    /// The number in decimal, as UTF-8 bytes.
    public var decimalBytes: [UInt8] {
        var digits: [UInt8] = []
        var rest = self
        repeat {
            digits.append(UInt8(truncatingIfNeeded: rest % 10) + 0x30)
            rest /= 10
        } while rest != 0
        return digits.reversed()
    }
}
