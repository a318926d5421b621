-- wrk script for bench/soak.sh: the storefront's reads (workload search paths,
-- suggestions, product pages) mixed with price and stock updates (PATCH, admin
-- key), one write in ten. Non-2xx answers count as errors (wrk's status errors);
-- done() prints one summary line.
--   wrk -t2 -c16 -d30m -s bench/soak.lua URL -- paths.txt ids.txt ADMIN_KEY
local paths, ids = {}, {}
local key
local counter = 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  for line in io.lines(args[2]) do ids[#ids + 1] = line end
  key = args[3]
  math.randomseed(os.time() + math.random(1000000))
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  local dice = counter % 20
  if dice == 0 or dice == 10 then
    local id = ids[math.random(#ids)]
    local body = string.format('{"price": %d, "in_stock": %s}', math.random(199, 9999),
                               math.random(2) == 1 and "true" or "false")
    return wrk.format("PATCH", "/v1/products/" .. id,
                      {["X-API-Key"] = key, ["Content-Type"] = "application/json"}, body)
  elseif dice == 5 then
    return wrk.format("GET", "/v1/products/" .. ids[math.random(#ids)])
  elseif dice == 15 then
    local path = paths[(counter % #paths) + 1]
    -- The first letters of the search's first word; a browse (empty q) types "dre".
    local word = path:match("[?&]q=(%a+)") or "dre"
    return wrk.format("GET", "/v1/suggest?q=" .. word:sub(1, 3))
  end
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "soak: requests=%d errors=%d (status %d, timeout %d, socket %d) throughput=%.0f req/s " ..
    "latency_ms p50=%.3f p99=%.3f max=%.3f\n",
    summary.requests, errors, summary.errors.status, summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
