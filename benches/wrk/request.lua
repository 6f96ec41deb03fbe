-- wrk script for scripts/bench. The request comes from the environment:
--   WRK_METHOD  GET (default) or PUT
--   WRK_TOKEN   bearer token (optional; the bare handler ignores it)
--   WRK_BODY    PUT body (default {"mfaEnabled": true})
-- done() prints one machine-readable RESULT line (latencies in microseconds), next to the
-- --latency distribution that wrk prints itself.

local method = os.getenv("WRK_METHOD") or "GET"
local token = os.getenv("WRK_TOKEN")

wrk.method = method
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if method == "PUT" then
  wrk.body = os.getenv("WRK_BODY") or '{"mfaEnabled": true}'
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
