import Logging

/// Keeps a node's lease alive: grants a lease of ``ttlSeconds`` (default 10), renews it every
/// TTL / 3, and when etcd says the lease is gone (it expired while etcd was unreachable or frozen
/// for longer than the TTL, or someone revoked it) grants a new one. Every lease it grants, the
/// first included, is handed to `onNewLease` so that the owner (re)writes its keys with it.
///
/// While etcd is unreachable the renewal is retried with a doubling pause from 200 ms up to
/// min(TTL / 3, 5 s): bounded, never a busy loop. ``run()`` returns when its task is cancelled or
/// after ``revoke()``; errors are logged, never thrown.
///
/// Not guaranteed: that keys survive an outage longer than the TTL (etcd deletes them with the
/// lease; `onNewLease` is the owner's chance to write them again), or that `onNewLease` runs only
/// once per outage (each lease granted is reported). Note that an etcd restart alone does not end
/// a lease: etcd restores leases and renews them for a full TTL when it becomes leader.
public actor EtcdLeaseKeeper {
    public nonisolated let ttlSeconds: Int
    /// The lease believed valid, or nil before the first grant, after etcd said it is gone and
    /// before the next grant, and after ``revoke()``.
    public private(set) var currentLease: Int64?
    private let client: EtcdClient
    private let logger: Logger
    private let onNewLease: @Sendable (Int64) async -> Void
    private var stopped = false

    /// - Parameters:
    ///   - ttlSeconds: the lease's TTL (default 10 s; etcd raises values below its minimum, ~2 s).
    ///   - onNewLease: called with each lease granted (the first included), from ``run()``; a
    ///     renewal waits for it to return.
    public init(
        client: EtcdClient, ttlSeconds: Int = 10, logger: Logger? = nil,
        onNewLease: @escaping @Sendable (Int64) async -> Void
    ) {
        self.client = client
        self.ttlSeconds = ttlSeconds
        self.logger = logger ?? Logger(label: "hypermesh.fleet.etcd.lease", factory: { _ in SwiftLogNoOpLogHandler() })
        self.onNewLease = onNewLease
    }

    /// The pause between renewals: TTL / 3 (at least 200 ms).
    public nonisolated var renewInterval: Duration { max(.milliseconds(200), .seconds(ttlSeconds) / 3) }

    /// The longest pause between retries while etcd is unreachable: min(TTL / 3, 5 s), at least 200 ms.
    public nonisolated var maximumRetryPause: Duration { max(.milliseconds(200), min(.seconds(5), .seconds(ttlSeconds) / 3)) }

    /// Grants, renews and re-grants until the calling task is cancelled or ``revoke()`` is called.
    public func run() async {
        let firstPause = Duration.milliseconds(200)
        var retryPause = firstPause
        var nextPause = Duration.zero
        while !Task.isCancelled && !stopped {
            guard let lease = currentLease else {
                do {
                    let granted = try await client.grantLease(ttlSeconds: ttlSeconds)
                    if stopped {
                        try? await client.revokeLease(granted.id)
                        return
                    }
                    currentLease = granted.id
                    retryPause = firstPause
                    nextPause = renewInterval
                    logger.info("etcd lease granted", metadata: ["lease": "\(granted.id)", "ttl": "\(granted.ttl)"])
                    await onNewLease(granted.id)
                } catch {
                    logger.warning("cannot grant an etcd lease; retrying", metadata: ["error": "\(error)", "pause": "\(retryPause)"])
                    await pause(retryPause)
                    retryPause = min(retryPause * 2, maximumRetryPause)
                }
                continue
            }
            await pause(nextPause)
            guard !Task.isCancelled, !stopped, currentLease == lease else { continue }
            do {
                _ = try await client.keepAlive(lease)
                retryPause = firstPause
                nextPause = renewInterval
            } catch where error.code == .leaseExpired {
                logger.warning("etcd lease is gone; granting a new one", metadata: ["lease": "\(lease)"])
                if currentLease == lease { currentLease = nil }
            } catch {
                logger.warning("cannot renew the etcd lease; retrying", metadata: ["error": "\(error)", "pause": "\(retryPause)"])
                nextPause = retryPause
                retryPause = min(retryPause * 2, maximumRetryPause)
            }
        }
    }

    /// Stops ``run()`` (at its next wake-up) and revokes the current lease, which deletes its keys
    /// at once. A lease etcd no longer knows is not an error.
    public func revoke() async throws(EtcdError) {
        stopped = true
        guard let lease = currentLease else { return }
        currentLease = nil
        do {
            try await client.revokeLease(lease)
        } catch where error.code == .leaseExpired {
            return
        }
    }

    private func pause(_ duration: Duration) async {
        guard duration > .zero else { return }
        try? await Task.sleep(for: duration)
    }
}
