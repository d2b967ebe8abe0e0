import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import Testing

/// The pure parts of outbound HTTP policy: address ranges, the policy's `network` section, the
/// bandwidth pacer and the `networkBytesPerSecond` quota.
@Suite struct NetworkRulesTests {
    @Test("CIDR ranges match the addresses inside them, IPv4-mapped IPv6 as IPv4")
    func rangesMatch() throws {
        let link = try #require(NetworkAddressRange("169.254.0.0/16"))
        #expect(link.contains(try #require(NetworkAddressRange.addressBytes("169.254.169.254"))))
        #expect(!link.contains(try #require(NetworkAddressRange.addressBytes("169.255.0.1"))))
        #expect(link.contains(try #require(NetworkAddressRange.addressBytes("::ffff:169.254.1.1"))))
        let v6 = try #require(NetworkAddressRange("fe80::/10"))
        #expect(v6.contains(try #require(NetworkAddressRange.addressBytes("fe80::1"))))
        #expect(!v6.contains(try #require(NetworkAddressRange.addressBytes("2001:db8::1"))))
        let one = try #require(NetworkAddressRange("127.0.0.1"))
        #expect(one.prefixLength == 32 && one.description == "127.0.0.1/32")
        #expect(NetworkAddressRange("10.1.2.3/8")?.description == "10.0.0.0/8")
    }

    @Test("malformed ranges are refused", arguments: ["", "10.0.0.0/33", "::/129", "localhost", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/8x"])
    func malformedRanges(_ text: String) {
        #expect(NetworkAddressRange(text) == nil)
        #expect(NetworkAddressRange.problem(text) != nil)
    }

    @Test("the policy's network section decodes, round-trips, and refuses a bad range with its path")
    func policyNetworkSection() throws {
        let policy = try PolicyFile.decode(Data(#"{"network": {"deniedAddresses": ["10.0.0.0/8", "::1"]}}"#.utf8))
        #expect(policy.network?.deniedAddresses.map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(try PolicyFile.decode(PolicyFile.encode(policy)) == policy)
        #expect(SecurityPolicy().network == nil)
        #expect(NetworkSettings().deniedAddresses.map(\.description) == ["169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128"])
        #expect {
            try PolicyFile.decode(Data(#"{"network": {"deniedAddresses": ["10.0.0.0/8", "nope"]}}"#.utf8))
        } throws: { error in
            (error as? PolicyError)?.path == "network.deniedAddresses[1]"
        }
        #expect(throws: PolicyError.self) { try PolicyFile.decode(Data(#"{"network": {"allowedAddresses": []}}"#.utf8)) }
    }

    @Test("networkBytesPerSecond is a quota of the policy and the manifest, at least 1")
    func bandwidthQuotaDecodes() throws {
        let policy = try PolicyFile.decode(Data(#"{"defaults": {"quotas": {"networkBytesPerSecond": 262144}}}"#.utf8))
        #expect(policy.defaults.quotas.networkBytesPerSecond == 262_144)
        #expect(throws: PolicyError.self) { try PolicyFile.decode(Data(#"{"defaults": {"quotas": {"networkBytesPerSecond": 0}}}"#.utf8)) }
        #expect(Quotas(networkBytes: 1).overridden(by: Quotas(networkBytesPerSecond: 5)).networkBytesPerSecond == 5)
    }

    @Test("the pacer lets a burst through, then spaces bytes at the rate")
    func pacerSpacesBytes() {
        let pacer = BandwidthPacer(bytesPerSecond: 1_000, burstBytes: 100)
        let start: UInt64 = 1_000_000_000
        #expect(pacer.reserve(100, now: start) == 0)
        // 100 more bytes cost 0.1 s beyond the burst.
        #expect(pacer.reserve(100, now: start) == 100_000_000)
        // Later, once the bucket refilled, no wait.
        #expect(pacer.reserve(50, now: start + 2_000_000_000) == 0)
        // 1 MiB at 256 KiB/s with the default burst (32 KiB): 3.875 s of waiting in all.
        let download = BandwidthPacer(bytesPerSecond: 256 * 1024)
        var waited: UInt64 = 0
        var now = start
        for _ in 0..<64 {
            let wait = download.reserve(16 * 1024, now: now)
            now += wait
            waited += wait
        }
        #expect(waited == 3_875_000_000)
    }
}
