/// Severity of a log line written through ``ExtensionHost/log(_:_:)``. Raw values are the
/// `HYPERMESH_LOG_*` constants.
public enum LogLevel: Int32, Sendable, Hashable, CaseIterable, Comparable {
    case trace = 0
    case debug = 1
    case info = 2
    case warning = 3
    case error = 4

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
