-- Put in front of read.lua and apply.lua (LettuceUserStateStore.Script): the history packed
-- "movie,halfStars,time;" oldest first (the sorted set's order) from a ratings hash and a history sorted set, or
-- nil and an error reply when the two disagree.
local function pack(ratings, history)
  local flat = redis.call('HGETALL', ratings)
  local hist = redis.call('ZRANGE', history, 0, -1, 'WITHSCORES')
  if #flat ~= #hist then
    return nil, redis.error_reply('CORRUPT ' .. ratings .. ' has ' .. (#flat / 2) .. ' ratings but ' .. history
        .. ' has ' .. (#hist / 2) .. ' movies')
  end
  local r = {}
  for i = 1, #flat, 2 do
    r[flat[i]] = flat[i + 1]
  end
  local parts = {}
  for i = 1, #hist, 2 do
    local hs = r[hist[i]]
    if not hs then
      return nil, redis.error_reply('CORRUPT ' .. history .. ' has movie ' .. string.sub(hist[i], 1, 40) .. ' but '
          .. ratings .. ' has no rating for it')
    end
    parts[#parts + 1] = hist[i] .. ',' .. hs .. ',' .. hist[i + 1] .. ';'
  end
  return table.concat(parts)
end
