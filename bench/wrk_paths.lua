-- wrk script: replays request paths from a file (one per line) round-robin and
-- prints p50/p95/p99 latency and throughput in one line at the end.
--   wrk -t2 -c16 -d10s -s bench/wrk_paths.lua http://127.0.0.1:PORT -- paths.txt
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "http: requests=%d errors=%d throughput=%.0f req/s latency_ms p50=%.3f p95=%.3f p99=%.3f max=%.3f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
      summary.errors.timeout,
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
