import Foundation
import HyperMeshSecurity
import HyperMeshTrust
import HyperMeshWasm
import Logging
import Tracing
import Metrics

extension HyperMeshHost {
    /// Everything a host is made of, with defaults that need nothing but a state directory.
    ///
    /// ```swift
    /// var configuration = HyperMeshHost.Configuration(stateDirectory: URL(fileURLWithPath: "/var/lib/app/extensions"))
    /// configuration.trust = .allowUnsigned()          // development only
    /// configuration.policy = .value(myPolicy)         // instead of <state>/policy.json
    /// ```
    public struct Configuration: Sendable {
        /// Where the host keeps extension state (SQLite), files, the audit log (`audit.sqlite`),
        /// and by default the trust store (`trust/`) and the policy (`policy.json`). Created if missing.
        public var stateDirectory: URL
        /// Folders searched for packages, in priority order. Default: ``SearchPaths/resolve(explicit:environment:currentDirectory:)``
        /// with no explicit path (`$HYPERMESH_EXTENSION_PATH`, `./extensions`, the user's data dir).
        public var searchPaths: [URL]
        /// Which packages are trusted. Default ``Trust/stateDirectory``.
        public var trust: Trust
        /// What extensions may do. Default ``Policy/stateDirectory``.
        public var policy: Policy
        /// Where the host logs. Default: label `hypermesh.extensions`, the process's logging backend.
        public var logger: Logger
        /// Where metrics go. Default: the process-wide `MetricsSystem.factory`.
        public var metricsFactory: any MetricsFactory
        /// Whether security records go to `audit.sqlite` in the state directory (default true);
        /// false sends them to the logger only.
        public var auditLog: Bool
        /// How many extension calls run at once on the host's own threads (see ``CallExecutor``).
        /// Default ``CallExecutor/defaultThreadCount``.
        public var callThreads: Int
        /// Restarts of isolated extensions whose worker ended. Default: the policy's `supervision`
        /// section, else ``SupervisionPolicy/init()``.
        public var supervision: SupervisionPolicy?
        /// Host functions offered beyond the built-in sets (storage, files, HTTP, events, assets,
        /// VM execution): the app's own (`HostFunction.app`, each needing an `app:<name>`
        /// capability the manifest declares and the policy grants), or a set that replaces a
        /// built-in function (e.g. `HostFunctionSet.consensus(_:)` from `HyperMeshConsensusFunctions`).
        /// Default none: `consensus_submit` answers UNAVAILABLE, app calls answer UNAVAILABLE.
        public var hostFunctions: [HostFunctionSet]
        /// How `http_request` reaches other servers: extra CA bundles, the response size cap,
        /// timeouts, redirects, the tracer. Default ``OutboundHTTPSettings/init(additionalCABundles:maximumResponseBytes:connectTimeout:maximumRedirects:tracer:)``
        /// (system roots only, 16 MiB, 5 s, 5 redirects).
        public var outboundHTTP: OutboundHTTPSettings
        /// Where spans of calls and host functions go (``CallTracing``), and the outbound HTTP
        /// requests' spans unless ``outboundHTTP`` names its own tracer. Default nil: the process's
        /// bootstrapped tracer, if one was bootstrapped before the host started; else no spans.
        public var tracer: (any Tracer)?
        /// Told when the host calibrates the WebAssembly fuel rate (``WasmFuelRate/measured(notice:)``:
        /// about 10 ms, once per process, at the first wasm load), before and after, so that a tool
        /// can say why it pauses. The host also logs both at `notice` level. Default nil.
        public var onWasmFuelCalibration: (@Sendable (WasmFuelRate.CalibrationNotice) -> Void)?

        /// The name of the audit log in the state directory.
        public static let auditFileName = "audit.sqlite"

        public init(
            stateDirectory: URL, searchPaths: [URL]? = nil, trust: Trust = .stateDirectory, policy: Policy = .stateDirectory,
            logger: Logger = Logger(label: "hypermesh.extensions"), metricsFactory: any MetricsFactory = MetricsSystem.factory,
            auditLog: Bool = true, callThreads: Int = CallExecutor.defaultThreadCount, supervision: SupervisionPolicy? = nil,
            hostFunctions: [HostFunctionSet] = [], outboundHTTP: OutboundHTTPSettings = OutboundHTTPSettings(),
            tracer: (any Tracer)? = nil, onWasmFuelCalibration: (@Sendable (WasmFuelRate.CalibrationNotice) -> Void)? = nil
        ) {
            self.tracer = tracer
            self.outboundHTTP = outboundHTTP
            self.stateDirectory = stateDirectory
            self.searchPaths = searchPaths ?? SearchPaths.resolve(explicit: [])
            self.trust = trust
            self.policy = policy
            self.logger = logger
            self.metricsFactory = metricsFactory
            self.auditLog = auditLog
            self.callThreads = callThreads
            self.supervision = supervision
            self.hostFunctions = hostFunctions
            self.onWasmFuelCalibration = onWasmFuelCalibration
        }

        /// Which packages the host loads.
        public enum Trust: Sendable {
            /// Signed packages whose chain ends at a root in `trust/` of the state directory.
            case stateDirectory
            /// Signed packages whose chain ends at a root in this trust store folder.
            case store(URL)
            /// Development only: unsigned packages load too (each logged and audited as a warning);
            /// a signed package is still verified, against `store` (default `trust/` of the state directory).
            case allowUnsigned(store: URL? = nil)
        }

        /// The operator's policy.
        public enum Policy: Sendable {
            /// `policy.json` in the state directory; nothing is granted if it does not exist.
            case stateDirectory
            /// This policy file; nothing is granted if it does not exist.
            case file(URL)
            /// This policy, held in memory (``HyperMeshHost/setPolicy(_:)`` replaces it).
            case value(SecurityPolicy)
        }

        /// The trust store folder this configuration names.
        public var trustStoreDirectory: URL {
            switch trust {
            case .stateDirectory, .allowUnsigned(store: nil): TrustStore.defaultDirectory(stateDirectory: stateDirectory)
            case .store(let folder), .allowUnsigned(store: let folder?): folder
            }
        }

        /// Whether unsigned packages are loaded.
        public var allowsUnsigned: Bool {
            if case .allowUnsigned = trust { true } else { false }
        }

        /// The policy file this configuration names (nil for a policy held in memory).
        public var policyFile: URL? {
            switch policy {
            case .stateDirectory: PolicyFile.defaultLocation(stateDirectory: stateDirectory)
            case .file(let file): file
            case .value: nil
            }
        }
    }
}
