extension FleetSimulationConfig {
    /// A configuration with a failure mix drawn from `seed`: 5 to 404 nodes, up to 30 % of them
    /// crashing at a time in the first 10 s, up to half of them cut off for up to 20 s starting in
    /// the first 5 s, a registry outage starting in the first 2 s and lasting up to 30 s, a bad
    /// version in about 30 % of the draws (5 % of nodes unhealthy), up to 20 % lying peers and up
    /// to 2 preloaded nodes; a 2 s gate window. Every other figure keeps its default. The same seed
    /// gives the same configuration. Meant for sweeping seeds in search of a run that does not
    /// converge; not guaranteed to cover every combination.
    public static func failureMix(seed: UInt64) -> FleetSimulationConfig {
        var draw = SplitMix64(seed: seed &* 7_777)
        var config = FleetSimulationConfig()
        config.nodes = 5 + draw.nextIndex(below: 400)
        config.gate = HealthGate(windowSeconds: 2)
        config.seed = seed
        let partitionStart = draw.nextUnit() * 5
        config.failures = FleetFailures(
            crash: CrashFailure(count: draw.nextIndex(below: config.nodes * 3 / 10 + 1), at: draw.nextUnit() * 10),
            partition: PartitionFailure(fraction: draw.nextUnit() * 0.5, from: partitionStart,
                                        until: partitionStart + draw.nextUnit() * 20),
            registryOutage: TimeWindow(from: draw.nextUnit() * 2, until: 2 + draw.nextUnit() * 30),
            badVersionFailureRate: draw.nextUnit() < 0.3 ? 0.05 : 0,
            lyingPeers: draw.nextIndex(below: config.nodes / 5 + 1))
        config.preloadedNodes = draw.nextIndex(below: 3)
        return config
    }
}
