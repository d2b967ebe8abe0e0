import AsyncHTTPClient
import Foundation
import NIOCore

extension EtcdClient {
    /// Watches every key starting with `prefix` over one long-lived `POST /v3/watch`: each batch
    /// of changes etcd sends, in revision order. `fromRevision` nil: changes after now; a revision:
    /// every change from that revision on (history etcd still keeps).
    ///
    /// The stream never finishes by itself without an error:
    /// - `etcd.compacted` (with ``EtcdError/compactRevision``): `fromRevision` is older than
    ///   etcd's history;
    /// - `etcd.unavailable`: the connection was refused or lost, or etcd ended the stream
    ///   (stopping, restarting);
    /// - `etcd.refused` / `etcd.protocol_violation`: etcd cancelled the watch or sent nonsense.
    ///
    /// The recovery pattern for all of them: ``list(prefix:)`` again (the full state and its
    /// revision R), replace what you knew, then watch from R + 1. No change is lost that way.
    ///
    /// Ending the consuming task (cancelling it, or dropping the stream) ends the HTTP request.
    ///
    /// Not guaranteed: that a stalled connection (etcd frozen, a network black hole) ends the stream:
    /// nothing arrives and nothing fails; combine with a health check (``status()``, a lease keeper).
    /// Batches are buffered without bound when the consumer is slower than the changes.
    public func watch(prefix: String, fromRevision: Int64? = nil) -> AsyncThrowingStream<EtcdWatchBatch, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EtcdWatchBatch.self, throwing: (any Error).self)
        let range = EtcdKeyRange.prefix(prefix)
        let task = Task {
            do {
                try await self.runWatch(range, fromRevision: fromRevision) { batch in continuation.yield(batch) }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Opens the watch and delivers its batches until the stream ends; always ends by throwing.
    func runWatch(
        _ range: EtcdKeyRange, fromRevision: Int64?, deliver: @Sendable (EtcdWatchBatch) -> Void
    ) async throws(EtcdError) {
        let payload = EtcdWire.encode(EtcdWire.WatchRequest(create_request: EtcdWire.WatchCreateRequest(
            key: range.key, range_end: range.rangeEnd, start_revision: fromRevision.map(EtcdWire.Number.init))))
        let (endpoint, response) = try await onEachEndpoint { endpoint throws(EtcdError) in
            try await self.withRequestTimeout(endpoint) {
                let response = try await self.httpClient.execute(
                    self.request(endpoint, "/v3/watch", payload), deadline: .now() + Self.timeAmount(self.requestTimeout),
                    logger: self.logger)
                guard response.status == .ok else {
                    let body = try await response.body.collect(upTo: self.maximumResponseBytes)
                    throw Self.refusal(status: response.status, body: Data(body.readableBytesView), endpoint: endpoint)
                }
                return (endpoint, response)
            }
        }
        var lines = EtcdJSONLines()
        do {
            for try await buffer in response.body {
                for line in try lines.append(buffer, endpoint: endpoint.baseURL) {
                    if let batch = try Self.watchBatch(line, endpoint: endpoint) { deliver(batch) }
                }
            }
        } catch let error as EtcdError {
            throw error
        } catch {
            throw Task.isCancelled
                ? EtcdError(.unavailable, subject: endpoint.baseURL, "the watch was cancelled", cause: error)
                : EtcdError(.unavailable, subject: endpoint.baseURL, "the watch connection to etcd was lost", cause: error)
        }
        throw EtcdError(
            .unavailable, subject: endpoint.baseURL,
            Task.isCancelled ? "the watch was cancelled" : "etcd ended the watch stream (stopping or connection lost)")
    }

    /// The batch one watch message carries; nil for a message without events (the creation
    /// acknowledgement, a progress notification). Throws for a compaction or a cancelled watch.
    static func watchBatch(_ line: Data, endpoint: EtcdEndpoint) throws(EtcdError) -> EtcdWatchBatch? {
        let message = try decode(EtcdWire.StreamMessage<EtcdWire.WatchResponse>.self, from: line, endpoint: endpoint)
        if let error = message.error {
            throw etcdError(grpcCode: error.grpc_code ?? 2, message: error.message ?? "", endpoint: endpoint)
        }
        guard let result = message.result else {
            throw EtcdError(.protocolViolation, subject: endpoint.baseURL, "a watch message without result: \(excerpt(line))")
        }
        if let compacted = result.compact_revision?.int64, compacted > 0 {
            throw EtcdError(
                .compacted, subject: endpoint.baseURL,
                "the watch asked for history etcd has compacted; it starts at revision \(compacted): list again and watch from the listed revision + 1",
                compactRevision: compacted)
        }
        if result.canceled == true {
            throw EtcdError(.refused, subject: endpoint.baseURL, "etcd cancelled the watch: \(result.cancel_reason ?? "no reason given")")
        }
        guard let events = result.events, !events.isEmpty else { return nil }
        var converted: [EtcdWatchEvent] = []
        for event in events {
            let kind: EtcdWatchEvent.Kind
            switch event.type ?? "PUT" {
            case "PUT": kind = .put
            case "DELETE": kind = .delete
            default: throw EtcdError(.protocolViolation, subject: endpoint.baseURL, "a watch event of unknown type \(event.type ?? "")")
            }
            guard let keyValue = event.kv else {
                throw EtcdError(.protocolViolation, subject: endpoint.baseURL, "a watch event without key: \(excerpt(line))")
            }
            converted.append(EtcdWatchEvent(kind: kind, keyValue: keyValue.model))
        }
        let revision = result.header?.revision?.int64 ?? converted.last?.keyValue.modRevision ?? 0
        return EtcdWatchBatch(revision: revision, events: converted)
    }
}
