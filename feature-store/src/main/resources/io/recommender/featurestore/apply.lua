-- Applies one rating to a user's state, atomically (UserStates documents the same rules for replay).
-- KEYS[1] stats hash (n, s, t, gn:<genre>, gs:<genre>), KEYS[2] ratings hash (movie -> half-stars),
-- KEYS[3] history sorted set (movie, score = time); all three share the user's hash tag.
-- ARGV: movie, half-stars, time (epoch seconds), max history, then the movie's genre indices.
-- Returns 1 when applied, 0 for a stale event (the movie has a newer rating). Everything is read and checked
-- before the first write, so a value someone else corrupted is reported and nothing is half-written.
-- The stats hash's field h keeps the history packed "movie,halfStars,time;", what a read takes in one HGETALL
-- without running a script (the reader sorts it oldest first). It is edited in place, with plain string searches:
-- this movie's old entry out, the new one appended, a trimmed movie's entry cut. A state without h (written before
-- it existed) gets it packed from the ratings hash and the sorted set, which are checked first.
local stats, ratings, history = KEYS[1], KEYS[2], KEYS[3]
local movie, hs, t, maxh = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local want = {'hash', 'hash', 'zset'}
for i, k in ipairs(KEYS) do
  local ty = redis.call('TYPE', k).ok
  if ty ~= 'none' and ty ~= want[i] then
    return redis.error_reply('CORRUPT ' .. k .. ' is a ' .. ty .. ', not a ' .. want[i])
  end
end
local function bad(v)
  return v and not string.match(v, '^%-?%d+$')
end
local old = redis.call('HGET', ratings, movie)
if bad(old) then
  return redis.error_reply('CORRUPT ' .. ratings .. ' field ' .. movie .. ' is not an integer')
end
local fields = {'n', 's', 't'}
for i = 5, #ARGV do
  fields[#fields + 1] = 'gn:' .. ARGV[i]
  fields[#fields + 1] = 'gs:' .. ARGV[i]
end
local vals = redis.call('HMGET', stats, unpack(fields))
for i = 1, #fields do
  if bad(vals[i]) then
    return redis.error_reply('CORRUPT ' .. stats .. ' field ' .. fields[i] .. ' is not an integer')
  end
end
local h = redis.call('HGET', stats, 'h')
local inplace = h ~= false
if not inplace then
  local _, disagree = pack(ratings, history)
  if disagree then
    return disagree
  end
end
if old then
  local oldt = redis.call('ZSCORE', history, movie)
  if oldt and t < tonumber(oldt) then
    return 0
  end
  local d = hs - tonumber(old)
  if d ~= 0 then
    redis.call('HINCRBY', stats, 's', d)
    for i = 5, #ARGV do
      redis.call('HINCRBY', stats, 'gs:' .. ARGV[i], d)
    end
  end
else
  redis.call('HINCRBY', stats, 'n', 1)
  redis.call('HINCRBY', stats, 's', hs)
  for i = 5, #ARGV do
    redis.call('HINCRBY', stats, 'gn:' .. ARGV[i], 1)
    redis.call('HINCRBY', stats, 'gs:' .. ARGV[i], hs)
  end
end
redis.call('HSET', ratings, movie, ARGV[2])
redis.call('ZADD', history, ARGV[3], movie)
-- h without the entry of movie m (when it has one).
local function without(m)
  local at = string.find(';' .. h, ';' .. m .. ',', 1, true)
  if not at then
    return h
  end
  local stop = string.find(h, ';', at, true)
  return string.sub(h, 1, at - 1) .. string.sub(h, stop + 1)
end
if inplace then
  if old then
    h = without(movie)
  end
  h = h .. movie .. ',' .. ARGV[2] .. ',' .. ARGV[3] .. ';'
end
if not old and redis.call('ZCARD', history) > maxh then
  local oldest = redis.call('ZRANGE', history, 0, 0)[1]
  redis.call('ZREM', history, oldest)
  redis.call('HDEL', ratings, oldest)
  if inplace then
    h = without(oldest)
  end
end
if not vals[3] or t > tonumber(vals[3]) then
  redis.call('HSET', stats, 't', ARGV[3])
end
if inplace then
  redis.call('HSET', stats, 'h', h)
else
  redis.call('HSET', stats, 'h', (pack(ratings, history)))
end
return 1
