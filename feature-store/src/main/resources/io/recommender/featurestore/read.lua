-- A user's whole state in one round trip, one consistent snapshot, for a state written before the stats hash kept
-- the packed history in its field h (states the service reads have it: one HGETALL, no script; see KeyLayout).
-- KEYS[1] stats hash, KEYS[2] ratings hash, KEYS[3] history sorted set.
-- Returns {stats hash fields and values, history} with the history as one string "movie,halfStars,time;..."
-- oldest first (pack.lua, run in front of this script).
local stats = redis.call('HGETALL', KEYS[1])
local packed, disagree = pack(KEYS[2], KEYS[3])
if disagree then
  return disagree
end
return {stats, packed}
