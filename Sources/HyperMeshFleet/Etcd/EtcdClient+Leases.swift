import Foundation
import NIOCore

extension EtcdClient {
    /// Grants a lease of `ttlSeconds` (etcd raises a TTL below its minimum, about 2 s by default).
    public func grantLease(ttlSeconds: Int) async throws(EtcdError) -> EtcdLease {
        let body = EtcdWire.LeaseGrantRequest(TTL: EtcdWire.Number(Int64(ttlSeconds)), ID: EtcdWire.Number(0))
        let answer = try await call("/v3/lease/grant", body, as: EtcdWire.LeaseGrantResponse.self)
        if let error = answer.error, !error.isEmpty {
            throw EtcdError(.refused, subject: endpoints.joined(separator: ", "), "etcd refused the lease: \(error)")
        }
        guard let id = answer.ID?.int64, id != 0, let ttl = answer.TTL?.int64, ttl > 0 else {
            throw EtcdError(.protocolViolation, subject: endpoints.joined(separator: ", "), "a lease grant answer without ID or TTL")
        }
        return EtcdLease(id: id, ttl: Int(ttl))
    }

    /// Renews the lease once; returns the TTL etcd reset it to. A lease that no longer exists
    /// fails with `etcd.lease_expired` (grant a new one and rewrite its keys).
    ///
    /// The gateway answers `/v3/lease/keepalive` as a stream; only its first message is read and the
    /// request is then ended. Bounded by ``requestTimeout`` per endpoint.
    public func keepAlive(_ id: Int64) async throws(EtcdError) -> Int {
        let payload = EtcdWire.encode(EtcdWire.LeaseIDRequest(ID: EtcdWire.Number(id)))
        return try await onEachEndpoint { endpoint throws(EtcdError) in
            let line = try await self.withRequestTimeout(endpoint) {
                try await self.firstStreamedMessage("/v3/lease/keepalive", payload, endpoint: endpoint)
            }
            let message = try Self.decode(EtcdWire.StreamMessage<EtcdWire.LeaseKeepAliveResponse>.self, from: line, endpoint: endpoint)
            if let error = message.error {
                throw Self.etcdError(grpcCode: error.grpc_code ?? 2, message: error.message ?? "", endpoint: endpoint)
            }
            guard let result = message.result else {
                throw EtcdError(.protocolViolation, subject: endpoint.baseURL, "a keep-alive answer without result: \(Self.excerpt(line))")
            }
            guard let ttl = result.TTL?.int64, ttl > 0 else {
                throw EtcdError(
                    .leaseExpired, subject: endpoint.baseURL, "lease \(id) has expired or was revoked (keep-alive answered TTL 0)")
            }
            return Int(ttl)
        }
    }

    /// Revokes the lease: its keys are deleted at once. A lease that no longer exists fails with
    /// `etcd.lease_expired`.
    public func revokeLease(_ id: Int64) async throws(EtcdError) {
        _ = try await call("/v3/lease/revoke", EtcdWire.LeaseIDRequest(ID: EtcdWire.Number(id)), as: EtcdWire.HeaderResponse.self)
    }

    /// The seconds left on the lease and its granted TTL; nil when the lease does not exist.
    public func timeToLive(_ id: Int64) async throws(EtcdError) -> EtcdLeaseTimeToLive? {
        let answer = try await call(
            "/v3/lease/timetolive", EtcdWire.LeaseIDRequest(ID: EtcdWire.Number(id)), as: EtcdWire.LeaseTimeToLiveResponse.self)
        let remaining = answer.TTL?.int64 ?? 0
        guard remaining >= 0 else { return nil }
        return EtcdLeaseTimeToLive(id: id, remainingSeconds: Int(remaining), grantedSeconds: Int(answer.grantedTTL?.int64 ?? 0))
    }

    /// Opens a streamed answer and returns its first message (one JSON line); a non-200 answer is
    /// mapped like a unary one. Leaving returns the body unread, which ends the request.
    func firstStreamedMessage(_ path: String, _ payload: Data, endpoint: EtcdEndpoint) async throws -> Data {
        let response = try await httpClient.execute(
            request(endpoint, path, payload), deadline: .now() + Self.timeAmount(requestTimeout), logger: logger)
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: maximumResponseBytes)
            throw Self.refusal(status: response.status, body: Data(body.readableBytesView), endpoint: endpoint)
        }
        var lines = EtcdJSONLines()
        for try await buffer in response.body {
            if let first = try lines.append(buffer, endpoint: endpoint.baseURL).first { return first }
        }
        if let last = lines.remainder { return last }
        throw EtcdError(.protocolViolation, subject: endpoint.baseURL, "the stream \(path) ended without a message")
    }
}
