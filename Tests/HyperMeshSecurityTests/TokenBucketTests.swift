import Testing
import HyperMeshSecurity

@Suite struct TokenBucketTests {
    @Test func aFullBucketAdmitsItsBurstThenRefuses() {
        let bucket = TokenBucket(rate: 10, burst: 5)
        let now: UInt64 = 1_000_000_000
        #expect((0..<5).allSatisfy { _ in bucket.tryAcquire(now: now) })
        #expect(!bucket.tryAcquire(now: now))
        #expect(bucket.available(now: now) == 0)
    }

    @Test func tokensComeBackAtTheRate() {
        let bucket = TokenBucket(rate: 10, burst: 1)
        let start: UInt64 = 5_000_000_000
        #expect(bucket.tryAcquire(now: start))
        #expect(!bucket.tryAcquire(now: start + 99_000_000))
        #expect(bucket.tryAcquire(now: start + 100_000_000))
        // A long pause refills to the burst, not beyond.
        #expect(bucket.available(now: start + 60_000_000_000) == 1)
    }

    @Test func theDefaultBurstIsOneSecondOfRate() {
        let bucket = TokenBucket(rate: 50)
        #expect(bucket.burst == 50)
        #expect(bucket.available(now: 1) == 50)
    }

    @Test func loweringAndRestoringTheRate() {
        let bucket = TokenBucket(rate: 1_000, burst: 1)
        let start: UInt64 = 1_000_000_000
        #expect(bucket.tryAcquire(now: start))
        bucket.setRate(1)
        #expect(bucket.rate == 1)
        // The next token is due one second after the last one admitted at the new rate.
        #expect(bucket.tryAcquire(now: start + 1_000_000))
        #expect(!bucket.tryAcquire(now: start + 500_000_000))
        #expect(bucket.tryAcquire(now: start + 1_001_000_000))
        bucket.setRate(1_000)
        #expect(bucket.rate == 1_000)
    }

    @Test func concurrentCallersNeverGetMoreThanTheBurst() async {
        let bucket = TokenBucket(rate: 1, burst: 100)
        let now: UInt64 = 10_000_000_000
        let admitted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<1_000).reduce(0) { count, _ in bucket.tryAcquire(now: now) ? count + 1 : count }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 100)
    }
}
