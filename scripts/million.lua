-- wrk: a mix of rendered documents against a million lists, one at random each time:
-- the newest page, a page before or after a random list, and a search (long, short, or
-- matching nothing) below a random list.
local terms = { "e", "zq", "lorem", "ab", "x", "sit%20am", "qui", "zzzqx" }
request = function()
  local kind = math.random(4)
  if kind == 1 then
    return wrk.format("GET", "/notes")
  elseif kind == 2 then
    return wrk.format("GET", "/notes?before=" .. math.random(1000000))
  elseif kind == 3 then
    return wrk.format("GET", "/notes?after=" .. math.random(1000000))
  end
  return wrk.format("GET", "/notes?q=" .. terms[math.random(#terms)] .. "&before=" .. math.random(1000000))
end
