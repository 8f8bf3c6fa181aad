-- Everything the rules need to know about a new comment before it is scored, in one call.
-- KEYS[1] rules version  KEYS[2] post settings  KEYS[3] parent comment  KEYS[4] trusted-author
-- KEYS[5] duplicate (author)  KEYS[6] duplicate (e-mail)  KEYS[7] flood (address)
-- KEYS[8] flood (e-mail)  KEYS[9] rate window (address)  KEYS[10] idempotency key
-- ARGV[1] rate window (ms)
-- Returns {rules version, closed, moderate_all, parent status, parent post, trusted,
--          duplicate id, flood ms, comments in the rate window, ms until the window frees a
--          place, earlier idempotent answer}; missing values are false.
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[1])
local post = redis.call('HMGET', KEYS[2], 'closed', 'moderate_all')
local parent = redis.call('HMGET', KEYS[3], 'status', 'post')
local recent = redis.call('ZRANGEBYSCORE', KEYS[9], now_ms - window, '+inf', 'WITHSCORES',
  'LIMIT', 0, 1)
local count = redis.call('ZCOUNT', KEYS[9], now_ms - window, '+inf')
local retry_ms = 0
if recent[2] then
  retry_ms = tonumber(recent[2]) + window - now_ms
end
local flood = math.max(redis.call('PTTL', KEYS[7]), redis.call('PTTL', KEYS[8]), 0)
return {
  redis.call('GET', KEYS[1]) or '0',
  post[1] or '0',
  post[2] or '0',
  parent[1] or '',
  parent[2] or '',
  redis.call('EXISTS', KEYS[4]),
  redis.call('GET', KEYS[5]) or redis.call('GET', KEYS[6]) or '',
  flood,
  count,
  retry_ms,
  redis.call('GET', KEYS[10]) or '',
}
