import HyperMeshWasm
import Testing

/// `WasmFuelRate.measured(notice:)`: the call that runs the calibration says so, before and after,
/// and every later call returns the same rate without a word.
@Suite struct WasmFuelRateNoticeTests {
    @Test("Only the call that calibrates is told, once before and once after, with the rate it returns")
    func onlyTheCalibratingCallIsTold() {
        var notices: [WasmFuelRate.CalibrationNotice] = []
        let rate = WasmFuelRate.measured { notices.append($0) }
        // Another test of this process may have calibrated first: then this call is told nothing.
        if !notices.isEmpty {
            #expect(notices.count == 2)
            #expect(notices.first == .calibrating)
            guard case .calibrated(let told, let duration)? = notices.last else {
                Issue.record("the second notice is not .calibrated: \(notices)")
                return
            }
            #expect(told == rate)
            #expect(duration > .zero)
        }
        var later: [WasmFuelRate.CalibrationNotice] = []
        #expect(WasmFuelRate.measured { later.append($0) } == rate)
        #expect(later.isEmpty)
        #expect(WasmFuelRate.measured == rate)
        #expect(rate.fuelPerMillisecond >= 1)
    }
}
