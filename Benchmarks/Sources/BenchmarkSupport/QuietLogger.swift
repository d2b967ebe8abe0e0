import Logging

/// A logger that drops everything, for the registries the benchmarks create.
///
/// The registry logs every lifecycle transition at `info`; with swift-log's default handler that
/// is a line on standard error per transition, which would measure the terminal rather than the
/// runtime. A host pays whatever its own log handler costs on top of the figures measured here.
public enum QuietLogger {
    public static func make() -> Logger {
        Logger(label: "hypermesh.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() })
    }
}
