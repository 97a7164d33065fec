-- A user's whole state in one round trip, one consistent snapshot, for a state written before the stats hash kept
-- the packed history in its field h (states the service reads have it: one HGETALL, no script; see KeyLayout).
-- KEYS[1] stats hash, KEYS[2] ratings hash, KEYS[3] history sorted set.
-- Returns {stats hash fields and values, history} with the history as one string "movie,halfStars,time;..."
-- oldest first, as apply.lua packs it into h.
local stats = redis.call('HGETALL', KEYS[1])
local flat = redis.call('HGETALL', KEYS[2])
local hist = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
if #flat ~= #hist then
  return redis.error_reply('CORRUPT ' .. KEYS[2] .. ' has ' .. (#flat / 2) .. ' ratings but ' .. KEYS[3] .. ' has '
      .. (#hist / 2) .. ' movies')
end
local ratings = {}
for i = 1, #flat, 2 do
  ratings[flat[i]] = flat[i + 1]
end
local parts = {}
for i = 1, #hist, 2 do
  local r = ratings[hist[i]]
  if not r then
    return redis.error_reply('CORRUPT ' .. KEYS[3] .. ' has movie ' .. string.sub(hist[i], 1, 40) .. ' but '
        .. KEYS[2] .. ' has no rating for it')
  end
  parts[#parts + 1] = hist[i] .. ',' .. r .. ',' .. hist[i + 1] .. ';'
end
return {stats, table.concat(parts)}
