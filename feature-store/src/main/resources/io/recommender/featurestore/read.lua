-- A user's whole state in one round trip, one consistent snapshot.
-- KEYS[1] stats hash, KEYS[2] ratings hash, KEYS[3] history sorted set.
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),
        redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')}
