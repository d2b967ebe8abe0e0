/// The host ABI versions (`HYPERMESH_ABI_VERSION`) an extension supports, both ends inclusive.
public struct ABIRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var min: UInt32
    public var max: UInt32

    public init(min: UInt32, max: UInt32) {
        self.min = min
        self.max = max
    }

    public func contains(_ version: UInt32) -> Bool { (min...max).contains(version) }

    public var description: String { min == max ? "\(min)" : "\(min)...\(max)" }

    /// The JSON keys of `abi` in `extension.json` (both required).
    public static let jsonKeys = ["min", "max"]
}
