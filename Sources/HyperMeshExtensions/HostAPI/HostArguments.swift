import Foundation

/// Helpers for host function results (the arguments are checked by ``HostFunctionCall``).
enum HostArguments {
    /// `value` as compact JSON bytes with sorted keys.
    static func json(_ value: Any) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("null".utf8))
    }
}
