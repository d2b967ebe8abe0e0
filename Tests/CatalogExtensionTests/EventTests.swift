import Foundation
import HyperMeshExtensions
import Testing

/// Every stored change is announced on the host's event bus under the Catalog's id, with a topic
/// per kind of change and a JSON payload; refused requests announce nothing.
///
/// Events are published during the call, so once the calls have returned the bus is finished and
/// the listener reads what it buffered: no waiting.
@Suite struct EventTests {
    private struct Received {
        var topic: String
        var payload: [String: Any]
    }

    /// Runs `body` with the Catalog active and returns the events published meanwhile.
    private func events(during body: (CatalogHost) async throws -> Void) async throws -> [Received] {
        let host = try await CatalogHost.start()
        let stream = host.registry.events.subscribe()
        try await body(host)
        host.registry.events.finish()
        var received: [Received] = []
        for await event in stream {
            #expect(event.extensionID == StagedCatalog.id)
            let payload = try JSONSerialization.jsonObject(with: Data(event.payload)) as? [String: Any]
            received.append(Received(topic: event.topic, payload: try #require(payload)))
        }
        return received
    }

    @Test func addAndRemoveAnnounceTheAsset() async throws {
        let received = try await events { host in
            try await host.add(NewAsset(type: "configuration", name: "announced", version: "1.2.0"))
            try await host.call("remove", AssetQuery(type: "configuration", name: "announced", version: "1.2.0"))
        }
        #expect(received.map(\.topic) == ["catalog.asset.added", "catalog.asset.removed"])
        for event in received {
            #expect(event.payload["id"] as? String == "configuration/announced@1.2.0")
            #expect(event.payload["type"] as? String == "configuration")
            #expect(event.payload["name"] as? String == "announced")
            #expect(event.payload["version"] as? String == "1.2.0")
            #expect(event.payload["content"] == nil)
        }
    }

    @Test func packageChangesAnnounceTheRelease() async throws {
        let received = try await events { host in
            try await host.call("install", ReleaseRequest(name: "evented", version: "1.0.0", assets: [NewAsset(name: "ev-doc")]))
            try await host.call("update", ReleaseRequest(name: "evented", version: "1.1.0", assets: [
                NewAsset(name: "ev-doc", version: "1.1.0"), NewAsset(name: "ev-extra"),
            ]))
            try await host.call("rollback", PackageName(name: "evented"))
            try await host.call("uninstall", PackageName(name: "evented"))
        }
        #expect(received.map(\.topic) == [
            "catalog.package.installed", "catalog.package.updated", "catalog.package.rolledBack", "catalog.package.uninstalled",
        ])
        guard received.count == 4 else { return }
        #expect(received.allSatisfy { $0.payload["name"] as? String == "evented" })
        #expect(received[0].payload["version"] as? String == "1.0.0")
        #expect(received[0].payload["assets"] as? [String] == ["document/ev-doc@1.0.0"])
        #expect(received[1].payload["version"] as? String == "1.1.0")
        #expect(received[1].payload["previousVersion"] as? String == "1.0.0")
        #expect(received[1].payload["assets"] as? [String] == ["document/ev-doc@1.1.0", "document/ev-extra@1.0.0"])
        #expect(received[2].payload["version"] as? String == "1.0.0")
        #expect(received[2].payload["abandonedVersion"] as? String == "1.1.0")
        #expect(received[2].payload["assets"] as? [String] == ["document/ev-doc@1.0.0"])
        #expect(received[3].payload["version"] as? String == "1.0.0")
    }

    @Test func readsAndRefusedChangesAnnounceNothing() async throws {
        let received = try await events { host in
            try await host.add(NewAsset(name: "quiet"))
            _ = try await host.listAll()
            _ = try await host.call("search", SearchQuery(query: "qu"))
            _ = try await host.call("get", AssetQuery(type: "document", name: "quiet"))
            _ = try await host.failure("add", NewAsset(name: "quiet"))
            _ = try await host.failure("update", ReleaseRequest(name: "none", version: "1.0.0", assets: [NewAsset(name: "x")]))
        }
        #expect(received.map(\.topic) == ["catalog.asset.added"])
    }
}
