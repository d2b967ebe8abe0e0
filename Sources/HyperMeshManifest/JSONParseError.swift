/// Why bytes are not a JSON document, and where (1-based line and column, 0-based byte offset).
struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    var reason: String
    var offset: Int
    var line: Int
    /// Counted in Unicode scalars from the start of the line.
    var column: Int

    var description: String { "line \(line), column \(column): \(reason)" }
}
