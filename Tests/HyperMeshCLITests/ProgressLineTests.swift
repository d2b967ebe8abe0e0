import Foundation
@testable import HyperMeshCLI
import HyperMeshTestSupport
import HyperMeshWasm
import Synchronization
import Testing

/// Progress of long work the CLI explains on stderr: the consensus plot grown by the first
/// consensus operation, and the WebAssembly fuel calibration.
@Suite struct ProgressLineTests {
    @Test("The first consensus operation says it grows the plot and when it is ready; later ones say nothing",
          .timeLimit(.minutes(3)))
    func consensusPlotGrowthIsAnnounced() throws {
        let state = ExtensionBuilder.temporaryDirectory()
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let lines = Mutex<[String]>([])
        let consensus = LazyNodeConsensus(stateDirectory: state) { line in lines.withLock { $0.append(line) } }
        _ = consensus.decide(kind: "transfer", submitter: "org.tests.progress", payload: Array("{}".utf8))
        let first = lines.withLock { $0 }
        #expect(first.count == 2, "\(first)")
        #expect(first.first?.hasPrefix("consensus: growing this node's plot") == true, "\(first)")
        #expect(first.last?.hasPrefix("consensus: plot ready in ") == true, "\(first)")
        _ = consensus.decide(kind: "transfer", submitter: "org.tests.progress", payload: Array("{}".utf8))
        #expect(lines.withLock { $0 }.count == 2)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent(ConsensusNodeFile.fileName).path))
    }

    @Test("The fuel calibration notices print as two stderr lines, nothing on stdout")
    func calibrationNoticesGoToStandardError() {
        let console = Console.capture()
        let print = WasmFuelCalibrationLines.printer(to: console)
        print(.calibrating)
        print(.calibrated(WasmFuelRate(fuelPerMillisecond: 1234), duration: .milliseconds(12)))
        #expect(console.standardOutput.isEmpty)
        let lines = console.standardError.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("calibrating the WebAssembly fuel rate") == true)
        #expect(lines.last?.contains("1234 fuel/ms") == true, "\(lines)")
    }
}
