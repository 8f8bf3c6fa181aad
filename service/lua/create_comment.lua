-- Store a new comment with everything that goes with it, all or nothing, after the checks that
-- must be atomic across workers: an earlier answer to the same Idempotency-Key, a duplicate,
-- a flood from the same address or e-mail, the per-address rate limit.
--
-- A comment decided without reading the rules' state first (the one-round-trip path) comes with
-- the rules version it was decided under, and was decided as a top-level comment by an author
-- not yet approved, on a post open and not held: if any of that is not so, nothing is written
-- and the answer is 'recheck', and the caller reads the state and decides again.
-- Returns {'created'} | {'replay', answer} | {'duplicate', id} | {'flood', ms} | {'rate', ms}
--       | {'recheck'}.
--
-- KEYS[1] comment hash      KEYS[2] status queue      KEYS[3] approved stream
-- KEYS[4] trusted-author    KEYS[5] duplicate (author) KEYS[6] duplicate (e-mail)
-- KEYS[7] flood (address)   KEYS[8] flood (e-mail)    KEYS[9] rate window (address)
-- KEYS[10] e-mail index     KEYS[11] expiry schedule  KEYS[12] rules version
-- KEYS[13] post settings    KEYS[14] idempotency key (optional)
-- ARGV[1] id  ARGV[2] status  ARGV[3] record JSON  ARGV[4] post id
-- ARGV[5] duplicate TTL (s)  ARGV[6] flood window (ms)  ARGV[7] rate limit per window
-- ARGV[8] rate window (ms)  ARGV[9] retention (s) for spam and rejected comments
-- ARGV[10] the rules version it was decided under, or '' when the state was read first
-- ARGV[11] idempotency answer  ARGV[12] its TTL (s)
if KEYS[14] then
  local prior = redis.call('GET', KEYS[14])
  if prior then
    return {'replay', prior}
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'created'} -- a retry of a write that already happened
end
if ARGV[10] ~= '' then
  local post = redis.call('HMGET', KEYS[13], 'closed', 'moderate_all')
  if (redis.call('GET', KEYS[12]) or '0') ~= ARGV[10] or post[1] == '1' or post[2] == '1'
      or redis.call('EXISTS', KEYS[4]) == 1 then
    return {'recheck'}
  end
end
local earlier = redis.call('GET', KEYS[5]) or redis.call('GET', KEYS[6])
if earlier then
  return {'duplicate', earlier}
end
local flood_ms = math.max(redis.call('PTTL', KEYS[7]), redis.call('PTTL', KEYS[8]))
if flood_ms > 0 then
  return {'flood', tostring(flood_ms)}
end
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local limit, window = tonumber(ARGV[7]), tonumber(ARGV[8])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', now_ms - window)
  if redis.call('ZCARD', KEYS[9]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[9], 0, 0, 'WITHSCORES')
    return {'rate', tostring(math.max(1, tonumber(oldest[2]) + window - now_ms))}
  end
  redis.call('ZADD', KEYS[9], now_ms, ARGV[1])
  redis.call('PEXPIRE', KEYS[9], window)
end

local status = ARGV[2]
redis.call('HSET', KEYS[1], 'status', status, 'rev', '1', 'post', ARGV[4], 'record', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('SADD', KEYS[10], ARGV[1])
local dup_ttl = tonumber(ARGV[5])
local retention = tonumber(ARGV[9])
if status == 'spam' or status == 'rejected' then
  redis.call('EXPIRE', KEYS[1], retention)
  redis.call('ZADD', KEYS[11], now_ms + retention * 1000, ARGV[1])
  dup_ttl = math.min(dup_ttl, retention)
end
redis.call('SET', KEYS[5], ARGV[1], 'EX', dup_ttl)
redis.call('SET', KEYS[6], ARGV[1], 'EX', dup_ttl)
local flood = tonumber(ARGV[6])
if flood > 0 then
  redis.call('SET', KEYS[7], '1', 'PX', flood)
  redis.call('SET', KEYS[8], '1', 'PX', flood)
end
if status == 'approved' then
  local entry = redis.call('XADD', KEYS[3], '*', 'event', 'approved', 'id', ARGV[1],
    'comment', ARGV[3])
  redis.call('HSET', KEYS[1], 'entries', entry)
  redis.call('SET', KEYS[4], '1')
end
if KEYS[14] then
  redis.call('SET', KEYS[14], ARGV[11], 'EX', tonumber(ARGV[12]))
end
return {'created'}
