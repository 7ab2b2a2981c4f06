-- Shared by the bench's wrk scripts: status counts per thread, summed and printed as
-- one JSON line (BENCH {...}) for bench/throughput.py to read.
local counts = {}
threads = {}

function count(status, body)
  local key = tostring(status)
  if status == 409 and body and string.find(body, "attempt_out_of_order", 1, true) then key = "409_out_of_order" end
  if status == 401 and body and string.find(body, "login_required", 1, true) then key = "401_login_required" end
  counts[key] = (counts[key] or 0) + 1
end

function encode_counts()
  local parts = {}
  for k, v in pairs(counts) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function report(summary, latency)
  local lines = {}
  for _, t in ipairs(threads) do lines[#lines + 1] = t:get("encoded") end
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"threads":[%s]}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(lines, ",")))
end

-- wrk (4.1) builds one request with thread 0's script before the run, only to check
-- it, and never sends it. A player's try spent there would make that player's next try
-- arrive out of order: the first request of thread 0 is a throwaway probe instead.
local probed = false
function throwaway()
  if tid == 0 and not probed then
    probed = true
    return wrk.format("GET", "/healthz")
  end
  return nil
end

-- Each thread keeps its index (tid) for the scripts' own use; every response is counted.
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function response(status, headers, body)
  count(status, body)
  encoded = encode_counts()
end

function done(summary, latency, requests) report(summary, latency) end
