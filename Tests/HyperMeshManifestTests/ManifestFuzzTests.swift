import Foundation
import Testing
@testable import HyperMeshManifest
import HyperMeshStrictJSON

/// Random damage to a good manifest must only ever give a manifest or a ``ManifestError``, never a
/// crash or a hang. The seeds are fixed so every run replays the same inputs.
@Suite struct ManifestFuzzTests {
    /// Byte sequences that tend to reach interesting parser and validator states.
    private static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "-", "0", "01", "1.5", "1e999",
        "-1", "18446744073709551616", "4294967296", "null", "true", "..", "/", "||", "^", "~", ">=", "*",
        "\"storage\"", "\"id\"", "\"quotas\"", "{\"concurrency\":0}", "[[[[[[[[", "\t", "\n", " ",
    ].map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]

    private struct Outcome {
        var accepted = 0
        var codes: [ManifestError.Code: Int] = [:]
    }

    /// Decodes, and checks the two allowed outcomes: a manifest that round-trips, or a complete error.
    private func check(_ data: Data, into outcome: inout Outcome) {
        do throws(ManifestError) {
            let manifest = try ManifestDecoder.decode(data)
            outcome.accepted += 1
            #expect(try ManifestDecoder.decode(manifest.jsonData()) == manifest, "round trip of \(String(decoding: data, as: UTF8.self))")
        } catch {
            outcome.codes[error.code, default: 0] += 1
            #expect(!error.message.isEmpty)
            #expect(error.description.contains(error.message))
        }
    }

    @Test func byteMutationsNeverCrashTheDecoder() {
        let original = Array(ManifestFixtures.data(ManifestFixtures.full))
        var random = SeededRandom(seed: 0x4859_5045_524D_4553)
        var outcome = Outcome()
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutate(&bytes, using: &random)
            }
            check(Data(bytes), into: &outcome)
        }
        #expect(outcome.codes[.invalidJSON, default: 0] > 0)
        #expect(outcome.codes.count >= 5, "mutations reached only \(outcome.codes.keys)")
    }

    @Test func valueMutationsNeverCrashTheDecoder() {
        var random = SeededRandom(seed: 20_260_101)
        var outcome = Outcome()
        let keys = Manifest.jsonKeys + ["quotas.concurrency", "quotas.memoryBytes", "abi.min", "abi.max", "unknown"]
        for _ in 0..<2000 {
            var value = ManifestFixtures.full
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let path = keys.randomElement(using: &random)!.split(separator: ".").map(String.init)
                value = value.setting(path, to: Int.random(in: 0..<6, using: &random) == 0 ? nil : randomValue(using: &random, depth: 0))
            }
            check(ManifestFixtures.data(value), into: &outcome)
        }
        #expect(outcome.codes[.typeMismatch, default: 0] > 0)
        #expect(outcome.codes.count >= 8, "mutations reached only \(outcome.codes.keys)")
    }

    private func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 1 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
            bytes.removeSubrange(position..<end)
        case 2:
            bytes.insert(contentsOf: Self.tokens.randomElement(using: &random)!, at: position)
        case 3 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...32, using: &random))
            let slice = Array(bytes[position..<end])
            bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &random))
        default:
            bytes = Array(bytes.prefix(position))
        }
    }

    private func randomValue(using random: inout SeededRandom, depth: Int) -> JSONValue {
        let strings: [JSONValue] = [
            "", "storage", "native", "org.example.x", "1.0.0", "^1.0.0", "../x", "Assets", "lib/libtool.so",
            .string(ManifestFixtures.digest), "é", "\u{0}",
        ]
        let numbers: [JSONValue] = [0, 1, -1, 1.5, .rawNumber("1e3"), .rawNumber("18446744073709551616"), .rawNumber("4294967296")]
        switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &random) {
        case 0: return strings.randomElement(using: &random)!
        case 1: return numbers.randomElement(using: &random)!
        case 2: return .bool(Bool.random(using: &random))
        case 3: return .null
        case 4: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in randomValue(using: &random, depth: depth + 1) })
        default:
            let keys = ["min", "max", "concurrency", "org.example.dep", "lib/libCatalogExtension.so", "x"]
            return .object((0..<Int.random(in: 0...3, using: &random)).map { _ in
                JSONMember(key: keys.randomElement(using: &random)!, value: randomValue(using: &random, depth: depth + 1))
            })
        }
    }
}
