-- POST a form to BENCH_PATH, cycling through BENCH_PLAYERS: one "cookie<TAB>urlencoded body"
-- per line (the login bench: one account per line, so concurrent logins are different users).
package.path = package.path .. ";bench/wrk/?.lua"
require "common" -- setup, response and done

local forms = {}
for line in io.lines(os.getenv("BENCH_PLAYERS")) do
  local cookie, body = line:match("^(.-)\t(.*)$")
  forms[#forms + 1] = {cookie = cookie, body = body}
end
local path = os.getenv("BENCH_PATH")
local n = 0

function request()
  local probe = throwaway()
  if probe then return probe end
  n = n + 1
  local form = forms[(n % #forms) + 1]
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = form.cookie}
  return wrk.format("POST", path, headers, form.body)
end
