-- POST one form (BENCH_BODY, urlencoded) to BENCH_PATH with one Cookie (first line of BENCH_PLAYERS).
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local cookie = io.lines(os.getenv("BENCH_PLAYERS"))()
local path, body = os.getenv("BENCH_PATH"), os.getenv("BENCH_BODY")

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function request()
  local probe = throwaway()
  if probe then return probe end
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  count(status, body)
  encoded = encode_counts()
end

function done(summary, latency, requests) report(summary, latency) end
