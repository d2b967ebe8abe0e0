import Foundation

/// The state and event handlers of one ``FleetSimulator`` run. Single-threaded, used once.
final class FleetSimulationEngine {
    enum Event {
        case wake(Int)
        case plan(Int, generation: Int)
        case transferBegin(Int)
        case transferEnd(Int, version: Int)
        case transferFailed(Int)
        case activationDone(Int, epoch: Int)
        case rollbackDone(Int, epoch: Int)
        case progressArrives(Int, NodeRolloutProgress)
        case healthReport(Int, epoch: Int)
        case coordinatorTick
        case crash
        case partitionStart
        case partitionEnd
        case membershipChange
        case registryOutageStart
    }

    struct Node {
        let id: String
        let zone: String
        let labels: [String: String]
        let advert: PeerAdvert
        var epoch = 0
        var crashed = false
        var cut = false
        var bad = false
        var lying = false
        var stored = false
        var activeNew = false
        var failed = false
        var activating = false
        var rollingBack = false
        var pulling = false
        var needSince = 0.0
        /// Only the plan scheduled last runs (a node keeps one planning timer).
        var planGeneration = 0
        var download: Int?
        var avoided: Set<String> = []
        var busy: Set<String> = []
        var registryFailures = 0
        var uploadsReserved = 0
        var uploads: [Int] = []
        var uploadedBytes = 0.0
        var progress: NodeRolloutProgress?
        var unsynced = false
        var healthTimer = false
    }

    struct Transfer {
        let sender: Int  // -1: the registry
        let receiver: Int
        let latency: Double
        var remaining: Double
        var rate = 0.0
        var lastUpdate = 0.0
        var version = 0
        var started = false
        var cancelled = false
        var corrupt = false
    }

    static let registry = -1
    let config: FleetSimulationConfig
    let planner: PullPlanner
    let epochBase = 1_800_000_000.0
    let digest = "sha256:" + String(repeating: "ab", count: 32)
    let previousDigest = "sha256:" + String(repeating: "cd", count: 32)
    var rng: SplitMix64
    var queue = SimulationEventQueue<Event>()
    var now = 0.0
    var nodes: [Node] = []
    var indexOf: [String: Int] = [:]
    var record: RolloutRecord
    var reported: [NodeRolloutProgress?]
    var transfers: [Transfer] = []
    var registryUploads: [Int] = []
    var slotHolders: [Int] = []
    var completeOrder: [Int] = []
    var completeAdverts: [PeerAdvert] = []
    var scheduledTicks: Set<Int64> = []
    var membershipVersion = 0
    var waveCacheVersion = -1
    var waveOf: [Int] = []
    // Measurements.
    var events = 0
    var convergedAt: Double?
    var prefetchCompleteAt: Double?
    var finalAt: Double?
    var firstUnhealthyAt: Double?
    var registryBytes = 0.0
    var peerBytes = 0.0
    var liarsCaught: Set<Int> = []
    var corruptTransfers = 0
    var failedTransfers = 0
    /// Every simulated node is eligible (the record's selector is empty): these count live nodes.
    var liveCount = 0
    var liveOnNew = 0
    var liveStored = 0

    init(config: FleetSimulationConfig) {
        self.config = config
        planner = PullPlanner(registrySlots: config.registrySlots, maxPeerWaitSeconds: config.maxPeerWaitSeconds,
                              retryAfterSeconds: config.peerRetrySeconds)
        rng = SplitMix64(seed: config.seed)
        let digest = self.digest
        // The record is valid by construction (fixed ids, digest and reference; the gate and waves validated).
        record = try! RolloutRecord.make(
            id: "sim-\(config.seed)", extensionID: "org.example.simulated", version: "2.0.0",
            reference: "registry.example/org.example.simulated@" + digest, digest: digest, previousVersion: "1.0.0",
            waves: config.waves, labels: [:], gate: config.gate, now: Date(timeIntervalSince1970: epochBase))
        reported = Array(repeating: nil, count: config.nodes)
        liveCount = config.nodes
        for i in 0..<config.nodes {
            let id = "node-\(i)"
            let zone = "zone-\(i % config.zones)"
            nodes.append(Node(id: id, zone: zone, labels: ["zone": zone],
                              advert: PeerAdvert(nodeID: id, endpoint: "http://\(id):7070", state: .complete, zone: zone)))
            indexOf[id] = i
        }
        let failures = config.failures
        for i in rng.permutation(of: config.nodes).prefix(Int((failures.badVersionFailureRate * Double(config.nodes)).rounded())) {
            nodes[i].bad = true
        }
        for i in rng.permutation(of: config.nodes).prefix(failures.lyingPeers) { nodes[i].lying = true }
        for i in rng.permutation(of: config.nodes).prefix(config.preloadedNodes) { markStored(i) }
        if let partition = failures.partition {
            for i in rng.permutation(of: config.nodes).prefix(Int((partition.fraction * Double(config.nodes)).rounded())) {
                nodes[i].cut = true  // cut only inside the window: see isCut
            }
        }
    }

    // MARK: Time and membership

    var date: Date { Date(timeIntervalSince1970: epochBase + now) }

    func isCut(_ i: Int, at time: Double) -> Bool {
        guard nodes[i].cut, let window = config.failures.partition?.window else { return false }
        return window.contains(time)
    }

    func reachable(_ i: Int) -> Bool { !nodes[i].crashed && !isCut(i, at: now) }

    /// Whether node i's lease is alive in etcd now.
    func isMember(_ i: Int) -> Bool {
        if nodes[i].crashed, let crash = config.failures.crash, now >= crash.at + config.leaseSeconds { return false }
        if nodes[i].cut, let window = config.failures.partition?.window,
           now >= window.from + config.leaseSeconds, now < window.until { return false }
        return true
    }

    var registryDown: Bool { config.failures.registryOutage?.contains(now) ?? false }

    func latency(_ a: Int, _ b: Int) -> Double {
        if a == Self.registry || b == Self.registry { return config.registryLatency }
        return nodes[a].zone == nodes[b].zone ? config.sameZoneLatency : config.crossZoneLatency
    }

    func schedule(_ event: Event, at time: Double) { queue.schedule(event, at: max(time, now)) }

    /// The coordinator batches what it sees into 10 ms steps: a tick runs at the first step
    /// boundary after `time`.
    func scheduleTick(at time: Double) {
        let slot = Int64((max(time, now) * 100).rounded(.up)) + 1
        guard scheduledTicks.insert(slot).inserted else { return }
        queue.schedule(.coordinatorTick, at: Double(slot) / 100)
    }

    func wave(of i: Int) -> Int {
        if waveCacheVersion != membershipVersion {
            let members = (0..<nodes.count).filter { isMember($0) && record.isEligible(labels: nodes[$0].labels) }
            let waves = WaveAssignment.waves(rolloutID: record.id, eligible: members.map { nodes[$0].id }, shares: record.waves)
            waveOf = nodes.map { waves[$0.id] ?? Int.max }
            waveCacheVersion = membershipVersion
        }
        if waveOf[i] == Int.max {
            // Not a member now (a node just back from a partition computes with itself included).
            let ids = (0..<nodes.count).filter { ($0 == i || isMember($0)) && record.isEligible(labels: nodes[$0].labels) }.map { nodes[$0].id }
            return WaveAssignment.waves(rolloutID: record.id, eligible: ids, shares: record.waves)[nodes[i].id] ?? Int.max
        }
        return waveOf[i]
    }

    // MARK: Run

    func run() -> FleetSimulationReport {
        for i in 0..<nodes.count { schedule(.wake(i), at: config.watchDelay + rng.nextUnit() * 0.005) }
        if let crash = config.failures.crash {
            schedule(.crash, at: crash.at)
            schedule(.membershipChange, at: crash.at + config.leaseSeconds)
        }
        if let partition = config.failures.partition {
            schedule(.partitionStart, at: partition.window.from)
            schedule(.membershipChange, at: partition.window.from + config.leaseSeconds)
            schedule(.partitionEnd, at: partition.window.until)
        }
        if let outage = config.failures.registryOutage { schedule(.registryOutageStart, at: outage.from) }
        while let (time, event) = queue.popFirst() {
            if time > config.maxSimulatedSeconds { break }
            now = time
            events += 1
            handle(event)
            if finalAt != nil, convergedAt != nil { break }
        }
        return report()
    }

    func handle(_ event: Event) {
        switch event {
        case .wake(let i): wake(i)
        case .plan(let i, let generation): if nodes[i].planGeneration == generation { plan(i) }
        case .transferBegin(let t): transferBegin(t)
        case .transferEnd(let t, let version): if transfers[t].version == version, !transfers[t].cancelled { transferEnd(t) }
        case .transferFailed(let t): transferFailed(t)
        case .activationDone(let i, let epoch): if nodes[i].epoch == epoch { activationDone(i) }
        case .rollbackDone(let i, let epoch): if nodes[i].epoch == epoch { rollbackDone(i) }
        case .progressArrives(let i, let progress): progressArrives(i, progress)
        case .healthReport(let i, let epoch): if nodes[i].epoch == epoch { healthReport(i) }
        case .coordinatorTick: coordinatorTick()
        case .crash: crash()
        case .partitionStart: partitionStart()
        case .partitionEnd: partitionEnd()
        case .membershipChange: membershipChanged()
        case .registryOutageStart: registryOutageStart()
        }
    }

    // MARK: Nodes

    func localState(_ i: Int) -> NodeLocalState {
        NodeLocalState(activeDigest: nodes[i].activeNew ? digest : previousDigest,
                       storedDigests: nodes[i].stored ? [digest, previousDigest] : [previousDigest],
                       failedDigests: nodes[i].failed ? [digest] : [])
    }

    func wake(_ i: Int) {
        guard reachable(i) else { return }
        let action = RolloutStateMachine.action(labels: nodes[i].labels, record: record, myWave: wave(of: i), local: localState(i))
        switch action {
        case .none:
            if nodes[i].stored, nodes[i].progress == nil { write(i, stage: .prefetched) }
        case .prefetch: if !nodes[i].pulling { startPull(i) }
        case .activate:
            if !nodes[i].activating {
                nodes[i].activating = true
                schedule(.activationDone(i, epoch: nodes[i].epoch), at: now + config.activationSeconds)
            }
        case .rollBack:
            if !nodes[i].rollingBack {
                nodes[i].rollingBack = true
                schedule(.rollbackDone(i, epoch: nodes[i].epoch), at: now + config.activationSeconds)
            }
        }
    }

    func write(_ i: Int, stage: NodeRolloutStage, healthy: Bool = true, detail: String? = nil,
               calls: Int = 0, activeSince: Date? = nil) {
        let progress = NodeRolloutProgress(rolloutID: record.id, nodeID: nodes[i].id, stage: stage, healthy: healthy,
                                           detail: detail, calls: calls, activeSince: activeSince, updatedAt: date)
        nodes[i].progress = progress
        sendProgress(i)
    }

    func sendProgress(_ i: Int) {
        guard let progress = nodes[i].progress else { return }
        if isCut(i, at: now) {
            nodes[i].unsynced = true
            return
        }
        nodes[i].unsynced = false
        schedule(.progressArrives(i, progress), at: now + config.etcdWriteLatency)
    }

    func progressArrives(_ i: Int, _ progress: NodeRolloutProgress) {
        let old = reported[i]
        if let old, old.updatedAt > progress.updatedAt { return }
        reported[i] = progress
        if !progress.healthy, progress.stage == .active, firstUnhealthyAt == nil { firstUnhealthyAt = now }
        let gate = record.gate
        let matters = old == nil || old!.stage != progress.stage || old!.activeSince != progress.activeSince
            || gate.verdict(for: old!) != gate.verdict(for: progress)
        guard matters else { return }
        scheduleTick(at: now + config.watchDelay)
        if let since = progress.activeSince {
            scheduleTick(at: since.timeIntervalSince1970 - epochBase + gate.windowSeconds)
        }
    }

    func markStored(_ i: Int) {
        nodes[i].stored = true
        liveStored += 1
        completeOrder.append(i)
        completeAdverts.append(nodes[i].advert)
        checkPrefetchComplete()
    }

    func activationDone(_ i: Int) {
        nodes[i].activating = false
        if !nodes[i].activeNew {
            nodes[i].activeNew = true
            liveOnNew += 1
            write(i, stage: .active, activeSince: date)
            if !nodes[i].healthTimer {
                nodes[i].healthTimer = true
                schedule(.healthReport(i, epoch: nodes[i].epoch), at: now + config.healthReportInterval)
            }
            checkConvergence()
        }
        wake(i)
    }

    func rollbackDone(_ i: Int) {
        nodes[i].rollingBack = false
        if nodes[i].activeNew {
            nodes[i].activeNew = false
            liveOnNew -= 1
            nodes[i].healthTimer = false
            nodes[i].epoch += 1  // stops the health timer
            write(i, stage: .rolledBack)
            checkConvergence()
        }
        wake(i)
    }

    func healthReport(_ i: Int) {
        guard nodes[i].activeNew, !nodes[i].crashed, let progress = nodes[i].progress else {
            nodes[i].healthTimer = false
            return
        }
        let calls = progress.calls + Int(config.callsPerSecond * config.healthReportInterval)
        let bad = nodes[i].bad
        write(i, stage: .active, healthy: !bad, detail: bad ? "simulated fault in the new version" : nil,
              calls: calls, activeSince: progress.activeSince)
        schedule(.healthReport(i, epoch: nodes[i].epoch), at: now + config.healthReportInterval)
    }

    // MARK: Pulling

    func schedulePlan(_ i: Int, at time: Double) {
        nodes[i].planGeneration += 1
        schedule(.plan(i, generation: nodes[i].planGeneration), at: time)
    }

    func startPull(_ i: Int) {
        nodes[i].pulling = true
        nodes[i].needSince = now
        write(i, stage: .prefetching)
        plan(i)
    }

    /// The complete adverts node `i` reads: all of them, or a random sample of
    /// ``FleetSimulationConfig/advertSampleSize`` (an etcd range read with a limit from a random key).
    func advertisers(for i: Int) -> [PeerAdvert] {
        var adverts: [PeerAdvert]
        let sampleSize = config.advertSampleSize
        let someoneAbsent = config.failures.crash != nil || config.failures.partition != nil
        if sampleSize > 0, completeOrder.count > sampleSize {
            adverts = []
            adverts.reserveCapacity(sampleSize)
            let start = rng.nextIndex(below: completeOrder.count)
            for k in 0..<sampleSize {
                let p = completeOrder[(start + k * 7_919) % completeOrder.count]
                if !someoneAbsent || isMember(p) { adverts.append(nodes[p].advert) }
            }
        } else if someoneAbsent {
            adverts = []
            adverts.reserveCapacity(completeOrder.count)
            for p in completeOrder where isMember(p) { adverts.append(nodes[p].advert) }
        } else {
            adverts = completeAdverts
        }
        if adverts.isEmpty {
            for i in slotHolders where isMember(i) {
                var pulling = nodes[i].advert
                pulling.state = .pulling
                adverts.append(pulling)
            }
        }
        return adverts
    }

    func plan(_ i: Int) {
        guard !nodes[i].crashed, nodes[i].pulling, nodes[i].download == nil, !nodes[i].stored, !nodes[i].failed else { return }
        if isCut(i, at: now), let window = config.failures.partition?.window {
            schedulePlan(i, at: window.until)
            return
        }
        let adverts = advertisers(for: i)
        var delay = 0.0
        for _ in 0..<16 {
            let taken = slotHolders.filter { isMember($0) }.count
            let decision = planner.decide(myNodeID: nodes[i].id, myZone: nodes[i].zone, digest: digest, advertisers: adverts,
                                          avoided: nodes[i].avoided, busy: nodes[i].busy, registrySlotsTaken: taken,
                                          waitedSeconds: now - nodes[i].needSince)
            switch decision {
            case .peer(let nodeID, _):
                let p = indexOf[nodeID]!
                guard reachable(p) else {
                    nodes[i].avoided.insert(nodeID)
                    failedTransfers += 1
                    schedulePlan(i, at: now + delay + config.peerTimeoutSeconds)
                    return
                }
                let roundTrip = 2 * latency(i, p)
                guard nodes[p].uploadsReserved < config.maxConcurrentUploadsPerNode else {
                    nodes[i].busy.insert(nodeID)
                    delay += roundTrip
                    continue
                }
                nodes[p].uploadsReserved += 1
                startTransfer(from: p, to: i, after: delay + roundTrip)
                return
            case .claimRegistrySlot:
                if taken < config.registrySlots {
                    slotHolders.append(i)
                    startTransfer(from: Self.registry, to: i, after: delay + config.etcdWriteLatency + 2 * config.registryLatency)
                } else {
                    schedulePlan(i, at: now + delay + config.watchDelay)
                }
                return
            case .registry:
                startTransfer(from: Self.registry, to: i, after: delay + 2 * config.registryLatency)
                return
            case .waitForPeers(let retry):
                nodes[i].busy.removeAll()
                schedulePlan(i, at: now + delay + retry * (0.5 + rng.nextUnit()))
                return
            }
        }
        nodes[i].busy.removeAll()
        schedulePlan(i, at: now + delay + config.peerRetrySeconds * (0.5 + rng.nextUnit()))
    }

    func startTransfer(from sender: Int, to receiver: Int, after delay: Double) {
        let id = transfers.count
        transfers.append(Transfer(sender: sender, receiver: receiver, latency: latency(sender, receiver),
                                  remaining: Double(config.packageBytes),
                                  corrupt: sender != Self.registry && nodes[sender].lying))
        nodes[receiver].download = id
        schedule(.transferBegin(id), at: now + delay)
    }

    func transferBegin(_ t: Int) {
        guard !transfers[t].cancelled else { return }
        let sender = transfers[t].sender, receiver = transfers[t].receiver
        guard reachable(receiver) else {
            cancel(t, noticeFailure: false)
            return
        }
        if sender == Self.registry ? registryDown : !reachable(sender) {
            let wait = sender == Self.registry ? 2 * config.registryLatency : config.peerTimeoutSeconds
            cancel(t, noticeFailure: true, after: wait)
            return
        }
        transfers[t].started = true
        transfers[t].lastUpdate = now
        if sender == Self.registry { registryUploads.append(t) } else { nodes[sender].uploads.append(t) }
        reshare(sender)
    }

    /// Settles the bytes sent so far by `sender`'s transfers and gives each its new fair share.
    func reshare(_ sender: Int) {
        let list = sender == Self.registry ? registryUploads : nodes[sender].uploads
        let bandwidth = sender == Self.registry ? config.registryBandwidth : config.nodeUploadBandwidth
        for t in list { settle(t) }
        let rate = min(bandwidth / Double(max(list.count, 1)), config.nodeDownloadBandwidth)
        for t in list {
            transfers[t].rate = rate
            transfers[t].version += 1
            let finish = now + transfers[t].remaining / rate + transfers[t].latency
            schedule(.transferEnd(t, version: transfers[t].version), at: finish)
        }
    }

    func settle(_ t: Int) {
        let sent = min(transfers[t].remaining, transfers[t].rate * (now - transfers[t].lastUpdate))
        transfers[t].remaining -= sent
        transfers[t].lastUpdate = now
        let sender = transfers[t].sender
        if sender == Self.registry { registryBytes += sent } else {
            peerBytes += sent
            nodes[sender].uploadedBytes += sent
        }
    }

    func detach(_ t: Int) {
        let sender = transfers[t].sender
        guard transfers[t].started else {
            if sender != Self.registry { nodes[sender].uploadsReserved -= 1 }
            return
        }
        settle(t)
        transfers[t].started = false
        if sender == Self.registry {
            registryUploads.removeAll { $0 == t }
        } else {
            nodes[sender].uploads.removeAll { $0 == t }
            nodes[sender].uploadsReserved -= 1
        }
        reshare(sender)
    }

    func cancel(_ t: Int, noticeFailure: Bool, after wait: Double = 0) {
        guard !transfers[t].cancelled else { return }
        detach(t)
        transfers[t].cancelled = true
        let receiver = transfers[t].receiver
        if noticeFailure {
            schedule(.transferFailed(t), at: now + wait)
        } else if nodes[receiver].download == t {
            nodes[receiver].download = nil
            releaseSlot(receiver)
        }
    }

    func releaseSlot(_ i: Int) { slotHolders.removeAll { $0 == i } }

    func transferEnd(_ t: Int) {
        detach(t)  // settles the rest: the end is scheduled after the last byte

        transfers[t].cancelled = true
        let receiver = transfers[t].receiver, sender = transfers[t].sender
        nodes[receiver].download = nil
        releaseSlot(receiver)
        guard !nodes[receiver].crashed else { return }
        if transfers[t].corrupt {
            corruptTransfers += 1
            liarsCaught.insert(sender)
            nodes[receiver].avoided.insert(nodes[sender].id)
            plan(receiver)
            return
        }
        nodes[receiver].pulling = false
        markStored(receiver)
        write(receiver, stage: nodes[receiver].activeNew ? .active : .prefetched)
        wake(receiver)
    }

    func transferFailed(_ t: Int) {
        failedTransfers += 1
        let receiver = transfers[t].receiver, sender = transfers[t].sender
        guard nodes[receiver].download == t else { return }
        nodes[receiver].download = nil
        releaseSlot(receiver)
        guard !nodes[receiver].crashed else { return }
        if sender == Self.registry {
            nodes[receiver].registryFailures += 1
            if nodes[receiver].registryFailures >= config.maxRegistryAttempts {
                nodes[receiver].failed = true
                nodes[receiver].pulling = false
                write(receiver, stage: .prefetchFailed,
                      detail: "registry fetch failed \(nodes[receiver].registryFailures) times: registry unavailable")
                return
            }
            schedulePlan(receiver, at: now + 0.5 * Double(nodes[receiver].registryFailures))
        } else {
            nodes[receiver].avoided.insert(nodes[sender].id)
            plan(receiver)
        }
    }

    // MARK: Coordinator

    func coordinatorTick() {
        scheduledTicks.remove(Int64((now * 100).rounded()))
        var observations: [NodeObservation] = []
        observations.reserveCapacity(nodes.count)
        for i in 0..<nodes.count where isMember(i) {
            observations.append(NodeObservation(nodeID: nodes[i].id, labels: nodes[i].labels, progress: reported[i]))
        }
        var changed = false
        for _ in 0..<(record.waves.count + 2) {
            guard let transition = RolloutStateMachine.advance(record, nodes: observations, now: date) else { break }
            record = transition.record
            changed = true
        }
        guard changed else { return }
        if record.phase.isFinal, finalAt == nil { finalAt = now }
        if case .wave = record.phase { scheduleTick(at: now + record.gate.windowSeconds) }
        for i in 0..<nodes.count where !nodes[i].crashed {
            schedule(.wake(i), at: now + config.watchDelay + rng.nextUnit() * 0.005)
        }
        checkConvergence()
    }

    // MARK: Failures

    func crash() {
        guard let crash = config.failures.crash else { return }
        for i in rng.permutation(of: nodes.count).prefix(crash.count) {
            nodes[i].crashed = true
            nodes[i].epoch += 1
            liveCount -= 1
            if nodes[i].activeNew { liveOnNew -= 1 }
            if nodes[i].stored { liveStored -= 1 }
            dropTransfers(of: i)
        }
        checkConvergence()
        checkPrefetchComplete()
    }

    /// Fails every transfer node i sends or receives (it crashed or was cut off).
    func dropTransfers(of i: Int) {
        // Transfers reserved but not begun fail when they begin (the sender is unreachable then).
        for t in nodes[i].uploads {
            cancel(t, noticeFailure: true, after: config.peerTimeoutSeconds)
        }
        if let t = nodes[i].download {
            cancel(t, noticeFailure: false)
            nodes[i].download = nil
            releaseSlot(i)
            if !nodes[i].crashed {
                schedulePlan(i, at: now + config.peerTimeoutSeconds)
            }
        }
    }

    func partitionStart() {
        for i in 0..<nodes.count where nodes[i].cut && !nodes[i].crashed { dropTransfers(of: i) }
    }

    func partitionEnd() {
        membershipChanged()
        for i in 0..<nodes.count where nodes[i].cut && !nodes[i].crashed {
            if nodes[i].progress != nil { sendProgress(i) }
            schedule(.wake(i), at: now + config.watchDelay)
            if nodes[i].pulling, nodes[i].download == nil { schedulePlan(i, at: now) }
        }
    }

    func membershipChanged() {
        membershipVersion += 1
        scheduleTick(at: now + config.watchDelay)
        for i in 0..<nodes.count where !nodes[i].crashed {
            schedule(.wake(i), at: now + config.watchDelay + rng.nextUnit() * 0.005)
        }
    }

    func registryOutageStart() {
        for t in registryUploads { cancel(t, noticeFailure: true, after: 2 * config.registryLatency) }
    }

    // MARK: Measurements

    func checkConvergence() {
        let converged: Bool
        switch record.phase {
        case .rolledBack, .aborted: converged = liveOnNew == 0
        default: converged = liveCount > 0 && liveOnNew == liveCount
        }
        if !converged {
            convergedAt = nil
        } else if convergedAt == nil {
            convergedAt = now
        }
    }

    func checkPrefetchComplete() {
        guard prefetchCompleteAt == nil else { return }
        if liveStored == liveCount { prefetchCompleteAt = now }
    }

    func report() -> FleetSimulationReport {
        let live = nodes.filter { !$0.crashed }
        var rollback: Double?
        if record.phase == .rolledBack, let first = firstUnhealthyAt, let converged = convergedAt { rollback = converged - first }
        return FleetSimulationReport(
            nodes: nodes.count, liveNodes: live.count, convergenceSeconds: convergedAt,
            prefetchCompleteSeconds: prefetchCompleteAt, finalPhaseSeconds: finalAt, finalPhase: record.phase,
            reason: record.reason, registryBytesServed: Int64(registryBytes.rounded()),
            registryCopies: registryBytes / Double(config.packageBytes), peerBytesServed: Int64(peerBytes.rounded()),
            peakNodeUploadBytes: Int64((nodes.map(\.uploadedBytes).max() ?? 0).rounded()),
            firstUnhealthyReportSeconds: firstUnhealthyAt, rollbackSeconds: rollback,
            nodesActiveOnNew: live.filter(\.activeNew).count, nodesActiveOnOld: live.filter { !$0.activeNew }.count,
            lyingPeersDetected: liarsCaught.count, corruptTransfers: corruptTransfers, failedTransfers: failedTransfers,
            eventsProcessed: events, simulatedSeconds: now)
    }
}
