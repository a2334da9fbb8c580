-- wrk: POST a create with a name of its own each time (the benches' write load).
-- CREATE_KEYS=fresh sends a new change key with each create (what the screen's outbox
-- does); CREATE_KEYS=same sends one key again and again (a replay: answered from the
-- key's record, nothing written).
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local n = 0
local keys = os.getenv("CREATE_KEYS")
request = function()
  n = n + 1
  local body = "name=bench+" .. n .. "+" .. math.random(1000000000)
  if keys == "fresh" then
    body = body .. "&key=bench-" .. (id or 0) .. "-" .. os.time() .. "-" .. n
  elseif keys == "same" then
    body = "name=replayed&key=bench-replayed-key-0001"
  end
  return wrk.format("POST", "/api/lists/create",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
