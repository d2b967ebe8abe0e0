import HyperMeshExtensions
import Testing

@Suite("Restart backoff")
struct RestartBackoffTests {
    @Test("defaults double from 1 s up to 30 s")
    func defaults() {
        let backoff = RestartBackoff()
        #expect((1...8).map { backoff.delay(afterFailures: $0) }
            == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
    }

    @Test("huge failure counts reach the cap without overflowing")
    func hugeCounts() {
        let backoff = RestartBackoff(initial: .nanoseconds(1), factor: 10, maximum: .seconds(3600))
        #expect(backoff.delay(afterFailures: Int.max) == .seconds(3600))
        #expect(backoff.delay(afterFailures: 4) == .nanoseconds(1000))
    }

    @Test("no failures, no delay")
    func zeroFailures() {
        #expect(RestartBackoff().delay(afterFailures: 0) == .zero)
        #expect(RestartBackoff().delay(afterFailures: -3) == .zero)
    }

    @Test("factor 1 keeps the delay constant; factor below 1 counts as 1")
    func constant() {
        #expect(RestartBackoff(initial: .seconds(5), factor: 1).delay(afterFailures: 50) == .seconds(5))
        #expect(RestartBackoff(initial: .seconds(5), factor: 0).delay(afterFailures: 50) == .seconds(5))
    }

    @Test("the cap applies to the first delay too; negative values count as zero")
    func capAndNegatives() {
        #expect(RestartBackoff(initial: .seconds(90), maximum: .seconds(30)).delay(afterFailures: 1) == .seconds(30))
        #expect(RestartBackoff(initial: .seconds(-1)).delay(afterFailures: 5) == .zero)
    }
}
