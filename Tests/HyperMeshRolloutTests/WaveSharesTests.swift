import Foundation
import Testing
@testable import HyperMeshRollout

@Suite("Wave shares")
struct WaveSharesTests {
    @Test("parsing 1%,10%,50%,100% gives the standard shares and prints back the same text")
    func parsesStandard() throws {
        let shares = try WaveShares(parsing: "1%,10%,50%,100%")
        #expect(shares == .standard)
        #expect(shares.description == "1%,10%,50%,100%")
        #expect(try WaveShares(parsing: " 5, 100 ").percentages == [5, 100])
        #expect(try WaveShares(parsing: "0.5%,100%").description == "0.5%,100%")
    }

    @Test("shares that are not ascending, out of range, not ending at 100 or not numbers are refused",
          arguments: ["", "10%,5%,100%", "0%,100%", "50%", "10%,10%,100%", "1%,abc,100%", "1%,150%", "-1,100", "nan,100"])
    func refusesInvalid(text: String) {
        let error = #expect(throws: RolloutError.self) { try WaveShares(parsing: text) }
        #expect(error?.code == .wavesInvalid)
        #expect(error?.category == .invalidInput)
    }

    @Test("shares encode as a JSON array of numbers and decoding validates them")
    func codable() throws {
        let data = try JSONEncoder().encode(WaveShares.standard)
        #expect(String(decoding: data, as: UTF8.self) == "[1,10,50,100]")
        #expect(try JSONDecoder().decode(WaveShares.self, from: data) == .standard)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(WaveShares.self, from: Data("[50,10]".utf8)) }
    }
}
