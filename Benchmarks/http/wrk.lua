-- wrk script for Benchmarks/http/run.sh.
--
--   wrk ... -s wrk.lua URL                 GET URL
--   wrk ... -s wrk.lua URL -- 'BODY'       POST URL with BODY (Content-Type: application/json)
--
-- At the end it prints one line that run.sh reads (latencies in microseconds):
--   RESULT requests=N seconds=S rps=R p50=… p90=… p99=… max=… non2xx=… socket_errors=…

function init(args)
    if args[1] ~= nil then
        wrk.method = "POST"
        wrk.body = args[1]
        wrk.headers["Content-Type"] = "application/json"
    end
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d seconds=%.2f rps=%.0f p50=%d p90=%d p99=%d max=%d non2xx=%d socket_errors=%d\n",
        summary.requests, seconds, summary.requests / seconds,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        e.status, e.connect + e.read + e.write + e.timeout))
end
