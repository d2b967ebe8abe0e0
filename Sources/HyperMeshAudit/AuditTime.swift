import Foundation

/// Conversions between `Date` and the integer milliseconds stored in the log.
///
/// A stored value `ms` stands for `Date(timeIntervalSince1970: Double(ms) / 1000)`; converting a
/// date rounds to the nearest millisecond, so converting a stored value back and forth is exact.
enum AuditTime {
    /// Clamped to the range of `Int64` (about 292 million years either side of 1970): a date
    /// beyond it (a `since` of 10^20 seconds ago, say) counts as the first or last representable one.
    static func milliseconds(of date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value > -9.2e18 else { return Int64.min }
        guard value < 9.2e18 else { return Int64.max }
        return Int64(value)
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The smallest stored value whose date is not earlier than `date`.
    static func firstMillisecond(notBefore date: Date) -> Int64 {
        let nearest = milliseconds(of: date)
        return self.date(milliseconds: nearest) >= date || nearest == Int64.max ? nearest : nearest + 1
    }

    static func nowMilliseconds() -> Int64 {
        milliseconds(of: Date())
    }
}
