import Foundation
import HyperMeshSecurity
import Testing

/// The policy file is read with the strict parser the manifest uses: duplicate keys, booleans
/// where numbers belong and fractions where integers belong are refused with their path.
@Suite("The policy file is read strictly")
struct PolicyStrictJSONTests {
    private func refusal(_ text: String) -> PolicyError? {
        #expect(throws: PolicyError.self) { try PolicyFile.decode(Data(text.utf8)) }
    }

    @Test("A key that appears twice is refused with its path, not merged", arguments: [
        (#"{"defaults": {"allow": ["storage"]}, "defaults": {"allow": []}}"#, "defaults"),
        (#"{"extensions": {"org.x": {"allow": []}, "org.x": {"deny": ["storage"]}}}"#, "extensions.org.x"),
        (#"{"defaults": {"quotas": {"cpuPercent": 10, "cpuPercent": 90}}}"#, "defaults.quotas.cpuPercent"),
    ])
    func duplicateKeys(_ text: String, _ path: String) {
        let error = refusal(text)
        #expect(error?.code == .duplicateKey)
        #expect(error?.path == path)
        #expect(error?.description.contains("\(path): the key") == true, "\(String(describing: error))")
    }

    @Test("A boolean is not a number and a number is not a boolean", arguments: [
        (#"{"defaults": {"quotas": {"cpuPercent": true}}}"#, "defaults.quotas.cpuPercent", "found the boolean true"),
        (#"{"defaults": {"quotas": {"storageBytes": false}}}"#, "defaults.quotas.storageBytes", "found the boolean false"),
        (#"{"supervision": {"restarts": 1}}"#, "supervision.restarts", "found the number 1"),
        (#"{"supervision": {"restarts": "true"}}"#, "supervision.restarts", "found a string"),
    ])
    func booleansAndNumbers(_ text: String, _ path: String, _ found: String) {
        let error = refusal(text)
        #expect(error?.code == .invalidJSON)
        #expect(error?.path == path)
        #expect(error?.message.contains(found) == true, "\(String(describing: error))")
    }

    @Test("An integer setting refuses a fraction and a string, naming the path", arguments: [
        (#"{"extensions": {"org.x": {"quotas": {"cpuPercent": 12.5}}}}"#, "extensions.org.x.quotas.cpuPercent", "expected an integer, found the number 12.5"),
        (#"{"extensions": {"org.x": {"quotas": {"cpuPercent": "50"}}}}"#, "extensions.org.x.quotas.cpuPercent", "expected an integer, found a string"),
    ])
    func integers(_ text: String, _ path: String, _ message: String) {
        let error = refusal(text)
        #expect(error?.code == .invalidJSON)
        #expect(error?.path == path)
        #expect(error?.message == message)
    }

    @Test("Integers are read exactly: 1e2 is 100, and a value past UInt64 is out of range, not rounded")
    func integersAreExact() throws {
        let policy = try PolicyFile.decode(Data(#"{"defaults": {"quotas": {"cpuPercent": 1e2}}}"#.utf8))
        #expect(policy.defaults.quotas.cpuPercent == 100)
        let error = refusal(#"{"defaults": {"quotas": {"storageBytes": 18446744073709551616}}}"#)
        #expect(error?.code == .badValue)
        #expect(error?.path == "defaults.quotas.storageBytes")
    }

    @Test("Bytes that are not strict JSON are refused, with the parser's position in the message")
    func notStrictJSON() {
        for text in [#"{"defaults": {},}"#, "{\"defaults\": {}} // comment", "\u{FEFF}{}"] {
            let error = refusal(text)
            #expect(error?.code == .invalidJSON, "\(text)")
            #expect(error?.message.contains("line 1") == true, "\(String(describing: error))")
            #expect(error?.underlyingError != nil)
        }
    }
}
