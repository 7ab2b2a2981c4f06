-- GET one path (BENCH_PATH) as many logged-in players (BENCH_PLAYERS: one Cookie header
-- value per line; empty for none), round robin.
package.path = package.path .. ";bench/wrk/?.lua"
require "common" -- setup, response and done

local players = {}
local path = os.getenv("BENCH_PATH") or "/"
local file = os.getenv("BENCH_PLAYERS")
if file and file ~= "" then for line in io.lines(file) do players[#players + 1] = line end end
local n = 0

function request()
  local probe = throwaway()
  if probe then return probe end
  n = n + 1
  local headers = {}
  if #players > 0 then headers["Cookie"] = players[(n % #players) + 1] end
  return wrk.format("GET", path, headers)
end
