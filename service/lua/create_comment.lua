-- Store a new comment, its queue entry and (when approved) its stream event, all or nothing.
-- Returns the earlier answer when the Idempotency-Key was used before, else false.
-- KEYS[1] comment hash, KEYS[2] status queue, KEYS[3] approved stream, KEYS[4] idempotency key (optional)
-- ARGV[1] id, ARGV[2] status, ARGV[3] record JSON, ARGV[4] idempotency answer, ARGV[5] its TTL (s)
if KEYS[4] then
  local prior = redis.call('GET', KEYS[4])
  if prior then
    return prior
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false -- a retry of a write that already happened
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'rev', '1', 'record', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[2] == 'approved' then
  redis.call('XADD', KEYS[3], '*', 'event', 'approved', 'id', ARGV[1], 'comment', ARGV[3])
end
if KEYS[4] then
  redis.call('SET', KEYS[4], ARGV[4], 'EX', tonumber(ARGV[5]))
end
return false
