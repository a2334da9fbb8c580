-- wrk: POST a create with a name of its own each time (the benches' write load).
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/lists/create",
    { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "name=bench+" .. n .. "+" .. math.random(1000000000))
end
