import Foundation
import HyperMeshManifest
import Testing

/// App capabilities (`app:<name>`) guard an embedding application's functions: a manifest declares
/// them like the built-in ones, and only well-formed names are capabilities.
@Suite struct AppCapabilityTests {
    @Test("a manifest declares app capabilities beside the built-in ones, order kept")
    func declared() throws {
        let text = #"{"id":"org.tests.app","name":"App","version":"1.0.0","kind":"native","entry":"lib.so","abi":{"min":1,"max":1},"category":"testing","capabilities":["storage","app:notify","app:mail.send-v2"]}"#
        let manifest = try ManifestDecoder.decode(Data(text.utf8))
        #expect(manifest.capabilities.map(\.rawValue) == ["storage", "app:notify", "app:mail.send-v2"])
        #expect(manifest.capabilities[1] == Capability.app("notify"))
        #expect(manifest.capabilities[1].appName == "notify")
        #expect(manifest.capabilities[0].appName == nil)
    }

    @Test("only a-z, 0-9, '_', '-' and '.' after app:, starting with a letter, at most 64")
    func names() {
        #expect(Capability(rawValue: "app:notify") != nil)
        #expect(Capability(rawValue: "app:" + String(repeating: "a", count: 64)) != nil)
        for refused in ["app:", "app:Notify", "app:1x", "app:a b", "app:é", "app:" + String(repeating: "a", count: 65), "App:notify", "apps:notify", "notify"] {
            #expect(Capability(rawValue: refused) == nil, "\(refused)")
        }
        #expect(Capability.app("-x") == nil)
    }

    @Test("app capabilities round-trip through Codable and refuse malformed names there too")
    func codable() throws {
        let encoded = try JSONEncoder().encode([Capability.app("notify")!, .storage])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["app:notify","storage"]"#)
        #expect(try JSONDecoder().decode([Capability].self, from: encoded) == [Capability.app("notify")!, .storage])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Capability].self, from: Data(#"["app:No"]"#.utf8)) }
    }
}
