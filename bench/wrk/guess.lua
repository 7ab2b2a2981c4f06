-- POST /api/game/guess as many logged-in players, each one try at a time and in order.
--   BENCH_PLAYERS  one Cookie header value per line
--   BENCH_WORDS    the words for tries 1, 2, 3... (wrong ones: no game ends)
--   BENCH_MODE     "fresh": each player's next try; "replay": try 1 again and again
--   BENCH_THREADS  wrk's -t, so that each thread keeps to players of its own
package.path = package.path .. ";bench/wrk/?.lua"
require "common" -- setup, response and done

local players, words = {}, {}
for line in io.lines(os.getenv("BENCH_PLAYERS")) do players[#players + 1] = line end
for w in string.gmatch(os.getenv("BENCH_WORDS"), "%S+") do words[#words + 1] = w end
local replay = os.getenv("BENCH_MODE") == "replay"
local nthreads = tonumber(os.getenv("BENCH_THREADS"))
local k = 0

function request()
  local probe = throwaway()
  if probe then return probe end
  -- Player i of this thread: tid, tid + T, tid + 2T... With many more players than
  -- connections, a player's next try is sent long after the previous one answered.
  local i = tid + k * nthreads
  k = k + 1
  local attempt = 1
  if not replay then attempt = math.floor(i / #players) + 1 end
  if attempt > #words then attempt = #words end
  local body = string.format('{"attempt":%d,"word":"%s"}', attempt, words[attempt])
  local headers = {["Content-Type"] = "application/json", ["Cookie"] = players[(i % #players) + 1]}
  return wrk.format("POST", "/api/game/guess", headers, body)
end
