import Foundation
import Synchronization
import WasmKit

/// How much fuel this machine burns per millisecond of wall time in WasmKit's interpreter: the
/// conversion between a time budget (the CPU quota per call, the deadline) and a fuel budget.
///
/// ``measured`` calibrates once per process, at first use: it runs a counting loop (hand-assembled
/// below, about five runs of 2 ms) with fuel metering on and keeps the median rate. The rate is only
/// as good as the moment it was taken: on a machine that later runs slower (load from other work, a
/// lower clock), a fuel budget lasts longer in wall time than the deadline it was derived from.
public struct WasmFuelRate: Sendable, Hashable, CustomStringConvertible {
    /// Fuel per millisecond. At least 1.
    public let fuelPerMillisecond: UInt64

    public init(fuelPerMillisecond: UInt64) {
        self.fuelPerMillisecond = max(fuelPerMillisecond, 1)
    }

    /// The fuel that lasts `milliseconds` at this rate (saturating).
    public func fuel(forMilliseconds milliseconds: UInt64) -> UInt64 {
        let (product, overflow) = milliseconds.multipliedReportingOverflow(by: fuelPerMillisecond)
        return overflow ? .max : product
    }

    public var description: String { "\(fuelPerMillisecond) fuel/ms" }

    /// This machine's rate, calibrated at first use and kept for the life of the process.
    public static var measured: WasmFuelRate {
        calibrationClaimed.store(true, ordering: .relaxed)
        return calibrated.rate
    }

    /// What ``measured(notice:)`` reports to the caller that runs the calibration.
    public enum CalibrationNotice: Sendable, Hashable {
        /// The calibration starts now (about 10 ms; once per process).
        case calibrating
        /// It ended with `rate`, after `duration`.
        case calibrated(WasmFuelRate, duration: Duration)
    }

    /// This machine's rate, like ``measured``; the call that runs the calibration (the first one of
    /// the process) tells `notice` before and after it, so that a tool can say why it pauses. Not
    /// guaranteed: when another thread is calibrating at the same moment through ``measured``,
    /// this call may wait for it without a notice.
    public static func measured(notice: (CalibrationNotice) -> Void) -> WasmFuelRate {
        guard !calibrationClaimed.exchange(true, ordering: .acquiringAndReleasing) else { return calibrated.rate }
        notice(.calibrating)
        let start = ContinuousClock.now
        let rate = calibrated.rate
        notice(.calibrated(rate, duration: ContinuousClock.now - start))
        return rate
    }

    private static let calibrated = Calibration()
    /// Set by the first caller of ``measured`` or ``measured(notice:)``.
    private static let calibrationClaimed = Atomic<Bool>(false)

    private final class Calibration: Sendable {
        let rate: WasmFuelRate
        init() { rate = WasmFuelRate.calibrate() }
    }

    /// Runs the calibration loop now and returns the median of five runs. About 10 ms.
    public static func calibrate(runs: Int = 5, targetNanoseconds: UInt64 = 2_000_000) -> WasmFuelRate {
        do {
            let engine = Engine(configuration: EngineConfiguration(fuelMetering: true))
            let store = Store(engine: engine)
            let module = try parseWasm(bytes: spinModule)
            let instance = try module.instantiate(store: store)
            guard let spin = instance.exports[function: "spin"] else { return fallback }
            // Find an iteration count that lasts about the target, then measure it several times.
            var iterations: UInt32 = 10_000
            var rates: [UInt64] = []
            while rates.count < runs {
                let budget = UInt64.max / 2
                store.fuel = Fuel(remaining: budget)
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try spin([.i32(iterations)])
                let elapsed = max(DispatchTime.now().uptimeNanoseconds - start, 1)
                let used = budget - (store.fuel?.remaining ?? budget)
                if elapsed < targetNanoseconds / 2, iterations < UInt32.max / 4 {
                    iterations *= 2
                    continue
                }
                rates.append(used &* 1_000_000 / elapsed)
            }
            rates.sort()
            return WasmFuelRate(fuelPerMillisecond: rates[rates.count / 2])
        } catch {
            return fallback
        }
    }

    /// Used only if the calibration module fails to run, which would be a WasmKit bug: a rate
    /// measured on a 2-vCPU AMD EPYC virtual machine.
    static let fallback = WasmFuelRate(fuelPerMillisecond: 150_000)

    /// `(module (func (export "spin") (param i32) (loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0)))`
    static let spinModule: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00,
        0x0a, 0x10, 0x01, 0x0e, 0x00, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b,
    ]
}
