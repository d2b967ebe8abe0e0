import Foundation

/// Conversions between `Date` and the integer milliseconds stored in the log.
///
/// A stored value `ms` stands for `Date(timeIntervalSince1970: Double(ms) / 1000)`; converting a
/// date rounds to the nearest millisecond, so converting a stored value back and forth is exact.
enum AuditTime {
    static func milliseconds(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The smallest stored value whose date is not earlier than `date`.
    static func firstMillisecond(notBefore date: Date) -> Int64 {
        let nearest = milliseconds(of: date)
        return self.date(milliseconds: nearest) >= date ? nearest : nearest + 1
    }

    static func nowMilliseconds() -> Int64 {
        milliseconds(of: Date())
    }
}
