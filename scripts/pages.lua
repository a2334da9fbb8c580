-- wrk: a mix of rendered documents (searches, both bounds, the plain /notes), one at
-- random each time.
local paths = { "/notes", "/notes?q=e", "/notes?q=zq", "/notes?q=lorem", "/notes?before=400", "/notes?after=100" }
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
