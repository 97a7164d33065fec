-- Replaces a user's whole state (the initial load): twice gives the same keys.
-- KEYS[1] stats hash, KEYS[2] ratings hash, KEYS[3] history sorted set.
-- ARGV[1] = the history packed as "movie,halfStars,time;" repeated, oldest first in the sorted set's order (one
-- argument, cheap to send; also kept as is in the stats hash's field h, as apply.lua keeps it);
-- ARGV[2..] = the stats hash's field/value pairs.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
if #ARGV > 1 then
  redis.call('HSET', KEYS[1], 'h', ARGV[1], unpack(ARGV, 2, #ARGV))
end
local h, z = {}, {}
for m, hs, t in string.gmatch(ARGV[1], '(%d+),(%d+),(%d+);') do
  h[#h + 1] = m
  h[#h + 1] = hs
  z[#z + 1] = t
  z[#z + 1] = m
  if #h == 2000 then
    redis.call('HSET', KEYS[2], unpack(h))
    redis.call('ZADD', KEYS[3], unpack(z))
    h, z = {}, {}
  end
end
if #h > 0 then
  redis.call('HSET', KEYS[2], unpack(h))
  redis.call('ZADD', KEYS[3], unpack(z))
end
return 1
