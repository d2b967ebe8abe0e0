/// Why bytes are not a JSON document, and where (1-based line and column, 0-based byte offset).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var offset: Int
    public var line: Int
    /// Counted in Unicode scalars from the start of the line.
    public var column: Int

    public var description: String { "line \(line), column \(column): \(reason)" }
}
