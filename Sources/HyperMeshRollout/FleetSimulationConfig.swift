/// The fleet, network and failures a ``FleetSimulator`` run models. Every figure has a default;
/// bandwidths are bytes per second, times are seconds of simulated time.
///
/// Not modelled: pipelining (a node fetches only from a peer with the whole package), per-blob
/// transfers (a package moves as one blob of ``packageBytes``), TCP slow start and packet loss,
/// etcd's own latency beyond ``etcdWriteLatency`` and ``watchDelay``, clock skew.
public struct FleetSimulationConfig: Sendable, Hashable, Codable {
    /// Nodes in the fleet (1 or more). Default 1,000.
    public var nodes: Int = 1_000
    /// Zones the nodes are spread over round-robin (label `zone`). Default 4.
    public var zones: Int = 4
    /// Size of the package. Default 10 MB.
    public var packageBytes: Int = 10_000_000
    /// The registry's total upload, shared fairly by its transfers. Default 1 Gbit/s.
    public var registryBandwidth: Double = 125_000_000
    /// A node's upload, shared fairly by its transfers. Default 1 Gbit/s.
    public var nodeUploadBandwidth: Double = 125_000_000
    /// A node's download (it runs one download at a time). Default 1 Gbit/s.
    public var nodeDownloadBandwidth: Double = 125_000_000
    /// One-way latency between nodes of a zone. Default 1 ms.
    public var sameZoneLatency: Double = 0.001
    /// One-way latency between zones. Default 20 ms.
    public var crossZoneLatency: Double = 0.020
    /// One-way latency to the registry. Default 20 ms.
    public var registryLatency: Double = 0.020
    /// From an etcd write to a watcher seeing it. Default 50 ms.
    public var watchDelay: Double = 0.050
    /// From a node writing to etcd to the write being stored. Default 2 ms.
    public var etcdWriteLatency: Double = 0.002
    /// How often an active node writes its health counters. Default 1 s.
    public var healthReportInterval: Double = 1
    /// Lease time to live: a crashed or cut-off node's keys vanish this long after. Default 3 s.
    public var leaseSeconds: Double = 3
    /// How long activating or rolling back takes on a node. Default 10 ms.
    public var activationSeconds: Double = 0.010
    /// How long a node waits on a peer that does not answer (crashed, cut off). Default 1 s.
    public var peerTimeoutSeconds: Double = 1
    /// Calls per second an active node serves (feeds the gate's `minimumCalls`). Default 50.
    public var callsPerSecond: Double = 50
    /// The rollout's gate. Default ``HealthGate/init(windowSeconds:maxErrorRate:minimumCalls:maxViolations:)``
    /// defaults (30 s window).
    public var gate: HealthGate = HealthGate()
    /// The rollout's waves. Default 1, 10, 50, 100 %.
    public var waves: WaveShares = .standard
    /// ``PullPlanner/registrySlots``. Default 2.
    public var registrySlots: Int = 2
    /// ``PullPlanner/maxPeerWaitSeconds``. Default 10 s.
    public var maxPeerWaitSeconds: Double = 10
    /// ``PullPlanner/retryAfterSeconds``; the simulator adds ±50 % jitter. Default 0.2 s.
    public var peerRetrySeconds: Double = 0.2
    /// A node serves at most this many downloads at once; more are refused as busy. Default 4.
    public var maxConcurrentUploadsPerNode: Int = 4
    /// Failed registry fetches after which a node reports `prefetchFailed`. Default 5.
    public var maxRegistryAttempts: Int = 5
    /// How many complete adverts a node reads when planning a pull: a random sample of this size
    /// once more nodes have the package (a range read with a limit from a random key, as a node of
    /// a large fleet would do rather than watch every advert); 0 reads them all. Default 64.
    public var advertSampleSize: Int = 64
    /// Nodes that hold the package in their store from the start (and advertise it). Default 0.
    public var preloadedNodes: Int = 0
    /// Seeds every random choice (which nodes fail, lie, crash; jitter). Default 1.
    public var seed: UInt64 = 1
    /// The run stops at this simulated time even if the fleet has not converged. Default 600 s.
    public var maxSimulatedSeconds: Double = 600
    public var failures: FleetFailures = FleetFailures()

    public init() {}

    /// Throws `rollout.simulation_invalid` naming the first figure out of bounds.
    public func validate() throws(RolloutError) {
        func fail(_ text: String) -> RolloutError { RolloutError(.simulationInvalid, subject: nil, text) }
        guard nodes >= 1 else { throw fail("nodes must be at least 1, not \(nodes)") }
        guard zones >= 1 else { throw fail("zones must be at least 1, not \(zones)") }
        guard packageBytes >= 1 else { throw fail("packageBytes must be at least 1, not \(packageBytes)") }
        for (name, value) in [("registryBandwidth", registryBandwidth), ("nodeUploadBandwidth", nodeUploadBandwidth),
                              ("nodeDownloadBandwidth", nodeDownloadBandwidth), ("healthReportInterval", healthReportInterval),
                              ("leaseSeconds", leaseSeconds), ("peerTimeoutSeconds", peerTimeoutSeconds),
                              ("peerRetrySeconds", peerRetrySeconds), ("maxSimulatedSeconds", maxSimulatedSeconds)] {
            guard value.isFinite, value > 0 else { throw fail("\(name) must be a positive number, not \(value)") }
        }
        for (name, value) in [("sameZoneLatency", sameZoneLatency), ("crossZoneLatency", crossZoneLatency),
                              ("registryLatency", registryLatency), ("watchDelay", watchDelay),
                              ("etcdWriteLatency", etcdWriteLatency), ("activationSeconds", activationSeconds),
                              ("callsPerSecond", callsPerSecond), ("maxPeerWaitSeconds", maxPeerWaitSeconds)] {
            guard value.isFinite, value >= 0 else { throw fail("\(name) must be a non-negative number, not \(value)") }
        }
        if let problem = gate.problem { throw fail(problem) }
        guard registrySlots >= 1 else { throw fail("registrySlots must be at least 1, not \(registrySlots)") }
        guard maxConcurrentUploadsPerNode >= 1 else { throw fail("maxConcurrentUploadsPerNode must be at least 1") }
        guard advertSampleSize >= 0 else { throw fail("advertSampleSize must not be negative") }
        guard maxRegistryAttempts >= 1 else { throw fail("maxRegistryAttempts must be at least 1") }
        guard (0...nodes).contains(preloadedNodes) else { throw fail("preloadedNodes \(preloadedNodes) is not in 0...\(nodes)") }
        try failures.validate(nodes: nodes)
    }
}

/// The failures injected into a simulation. Default: none.
public struct FleetFailures: Sendable, Hashable, Codable {
    /// `count` nodes (chosen by the seed) stop for good at time `at`.
    public var crash: CrashFailure?
    /// A `fraction` of the nodes (chosen by the seed) is cut from etcd and from every other node
    /// (and the registry) from `from` until `until`.
    public var partition: PartitionFailure?
    /// The registry refuses every fetch in [from, until); transfers under way fail at `from`.
    public var registryOutage: TimeWindow?
    /// This fraction of the nodes (rounded, chosen by the seed) reports the new version unhealthy
    /// at its first health report after activation.
    public var badVersionFailureRate: Double = 0
    /// This many nodes (chosen by the seed) serve corrupt bytes; downloaders detect it by digest
    /// after the transfer and avoid them.
    public var lyingPeers: Int = 0

    public init(crash: CrashFailure? = nil, partition: PartitionFailure? = nil, registryOutage: TimeWindow? = nil,
                badVersionFailureRate: Double = 0, lyingPeers: Int = 0) {
        self.crash = crash
        self.partition = partition
        self.registryOutage = registryOutage
        self.badVersionFailureRate = badVersionFailureRate
        self.lyingPeers = lyingPeers
    }

    func validate(nodes: Int) throws(RolloutError) {
        func fail(_ text: String) -> RolloutError { RolloutError(.simulationInvalid, subject: nil, text) }
        if let crash {
            guard (0...nodes).contains(crash.count), crash.at.isFinite, crash.at >= 0 else {
                throw fail("crash of \(crash.count) nodes at \(crash.at) s is out of bounds")
            }
        }
        if let partition {
            guard (0...1).contains(partition.fraction), partition.window.isValid else {
                throw fail("partition of \(partition.fraction) from \(partition.window.from) to \(partition.window.until) s is out of bounds")
            }
        }
        if let registryOutage, !registryOutage.isValid {
            throw fail("registry outage from \(registryOutage.from) to \(registryOutage.until) s ends before it starts")
        }
        guard (0...1).contains(badVersionFailureRate) else { throw fail("badVersionFailureRate \(badVersionFailureRate) is not in [0, 1]") }
        guard (0...nodes).contains(lyingPeers) else { throw fail("lyingPeers \(lyingPeers) is not in 0...\(nodes)") }
    }
}

public struct CrashFailure: Sendable, Hashable, Codable {
    public var count: Int
    public var at: Double
    public init(count: Int, at: Double) {
        self.count = count
        self.at = at
    }
}

public struct PartitionFailure: Sendable, Hashable, Codable {
    public var fraction: Double
    public var window: TimeWindow
    public init(fraction: Double, from: Double, until: Double) {
        self.fraction = fraction
        self.window = TimeWindow(from: from, until: until)
    }
}

/// [from, until) in simulated seconds.
public struct TimeWindow: Sendable, Hashable, Codable {
    public var from: Double
    public var until: Double
    public init(from: Double, until: Double) {
        self.from = from
        self.until = until
    }

    public func contains(_ time: Double) -> Bool { time >= from && time < until }

    var isValid: Bool { from.isFinite && until.isFinite && from >= 0 && until >= from }
}
