import Benchmark
import BenchmarkSupport
import CCurl
import Foundation
@_spi(Benchmarks) import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport

// `http_request` (the host function with every check: allowlist, resolution and the address
// rules, quota, pacing, deadline; AsyncHTTPClient underneath) against libcurl, the engine of the
// `curl` command, doing the same request in the same process: GET /hello (19 bytes) from a
// Hummingbird server on 127.0.0.1, a new connection for every request on both sides (the host
// makes a client per request so that a connection to one checked address is never reused), plain
// and over TLS (a test CA, P-256). Report http_request ÷ libcurl for each (target ≤ 1.5).

struct OutboundFixture: Sendable {
    let server: LoopbackHTTPServer
    let certificates: TestTLSCertificates
    let bench: HostCallBenchmarking
    let request: [UInt8]
    let url: String
}

func startOutbound(tls: Bool) async throws -> OutboundFixture {
    let certificates = try TestTLSCertificates()
    let server = try await LoopbackHTTPServer(tls: tls ? certificates.good : nil)
    let host = tls ? "localhost" : "127.0.0.1"
    let url = "\(tls ? "https" : "http")://\(host):\(server.port)/hello"
    let store = try StateStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("hm-bench-http-\(UUID().uuidString)"))
    let client = try OutboundHTTPClient(settings: OutboundHTTPSettings(additionalCABundles: [certificates.caBundle]))
    let bench = HostCallBenchmarking(store: store, networkHosts: ["\(host):\(server.port)"], outboundHTTP: client)
    return OutboundFixture(server: server, certificates: certificates, bench: bench,
                           request: Array(#"{"url":"\#(url)"}"#.utf8), url: url)
}

/// One GET with libcurl on a new easy handle (so a new connection), the body counted.
func curlGet(_ url: String, caBundle: String) -> Int {
    guard let handle = curl_easy_init() else { return -1 }
    defer { curl_easy_cleanup(handle) }
    var received = 0
    _ = hm_curl_setopt_string(handle, CURLOPT_URL, url)
    _ = hm_curl_setopt_string(handle, CURLOPT_CAINFO, caBundle)
    _ = hm_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1)
    let status = withUnsafeMutablePointer(to: &received) { counter -> CURLcode in
        _ = hm_curl_setopt_write(handle, { _, size, count, data in
            data!.assumingMemoryBound(to: Int.self).pointee += size * count
            return size * count
        }, counter)
        return curl_easy_perform(handle)
    }
    return status == CURLE_OK ? received : -1
}

let benchmarks: @Sendable () -> Void = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 20,
        maxDuration: .seconds(5), maxIterations: 2_000)

    for tls in [false, true] {
        let name = tls ? "TLS" : "plain"
        Benchmark("http_request GET, \(name), new connection", configuration: configuration) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.bench.httpRequest(fixture.request).count)
            }
        } setup: {
            // The server and the certificates' folder live until the benchmark process ends.
            try await startOutbound(tls: tls)
        }

        Benchmark("libcurl GET, \(name), new connection (floor)", configuration: configuration) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                let count = curlGet(fixture.url, caBundle: fixture.certificates.caBundle.path)
                precondition(count == 19, "libcurl failed")
                blackHole(count)
            }
        } setup: {
            // The server and the certificates' folder live until the benchmark process ends.
            try await startOutbound(tls: tls)
        }
    }
}
