-- Replaces a user's whole state (the initial load): twice gives the same keys.
-- KEYS[1] stats hash, KEYS[2] ratings hash, KEYS[3] history sorted set.
-- ARGV[1] = number of stats field/value pairs, the pairs, then (movie, half-stars, time) triples.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
local ns = tonumber(ARGV[1])
if ns > 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2, 1 + 2 * ns))
end
local i = 2 + 2 * ns
while i <= #ARGV do
  local h, z = {}, {}
  while i <= #ARGV and #h < 2000 do
    h[#h + 1] = ARGV[i]
    h[#h + 1] = ARGV[i + 1]
    z[#z + 1] = ARGV[i + 2]
    z[#z + 1] = ARGV[i]
    i = i + 3
  end
  redis.call('HSET', KEYS[2], unpack(h))
  redis.call('ZADD', KEYS[3], unpack(z))
end
return 1
