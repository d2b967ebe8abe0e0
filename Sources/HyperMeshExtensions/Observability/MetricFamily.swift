/// One metric family the host exports: its Prometheus name, type, unit, labels and help text.
///
/// The runtime reports through swift-metrics, which carries no help text; a backend that can show
/// it (the node's Prometheus registry) looks it up here by name (``MetricFamily/named(_:)``).
/// docs/metrics.md documents the same list.
public struct MetricFamily: Sendable, Hashable {
    /// The Prometheus type of the family.
    public enum Kind: String, Sendable, Hashable {
        case counter, gauge, histogram
    }

    /// The full name, e.g. `hypermesh_extension_calls_total`.
    public let name: String
    public let kind: Kind
    /// What one unit is (`seconds`, `bytes`, `records`) or counts (`calls`, `extensions`, …). A
    /// gauge's or histogram's name carries it; a counter's name ends with `_total`.
    public let unit: String
    /// The label names of every series, in order.
    public let labels: [String]
    /// The `# HELP` text: one line.
    public let help: String

    public init(_ name: String, _ kind: Kind, unit: String, labels: [String], help: String) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.labels = labels
        self.help = help
    }

    /// The family called `name`, if the host exports one.
    public static func named(_ name: String) -> MetricFamily? {
        byName[name]
    }

    private static let byName: [String: MetricFamily] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
