import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshManifest

// Decoding a typical extension.json (the Catalog's, with digests and two dependencies):
//   - ManifestDecoder.decode: strict JSON parsing plus validation of every field into a Manifest;
//   - the floor: JSONSerialization.jsonObject of the same bytes (parsing only, no validation).

var decodeConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 100,
        maxDuration: .seconds(2),
        maxIterations: 50_000)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Manifest: ManifestDecoder.decode typical", configuration: decodeConfiguration) { _, bytes in
        blackHole(try ManifestDecoder.decode(bytes))
    } setup: {
        let bytes = try TypicalManifest.bytes()
        _ = try ManifestDecoder.decode(bytes)  // the fixture must be a valid manifest
        return bytes
    }

    Benchmark("Manifest: floor, JSONSerialization.jsonObject typical", configuration: decodeConfiguration) { _, bytes in
        blackHole(try JSONSerialization.jsonObject(with: bytes))
    } setup: {
        try TypicalManifest.bytes()
    }
}
