-- Move a comment to a new status if nobody changed it since it was read (compare-and-set on rev).
-- KEYS[1] comment hash, KEYS[2] old queue, KEYS[3] new queue, KEYS[4] approved stream,
-- KEYS[5] audit stream, KEYS[6] feedback stream
-- ARGV[1] id, ARGV[2] expected rev, ARGV[3] new status, ARGV[4] new record JSON,
-- ARGV[5] stream event ('approved', 'retracted' or ''), ARGV[6] action, ARGV[7] moderator,
-- ARGV[8] time (ISO 8601), ARGV[9] old status, ARGV[10] feedback label ('' for none),
-- ARGV[11] a unique id of this action, so a retry of an applied action reports success
local rev, last_action = unpack(redis.call('HMGET', KEYS[1], 'rev', 'action_id'))
if not rev then
  return {'missing', ''}
end
if last_action == ARGV[11] then
  return {'ok', rev}
end
if rev ~= ARGV[2] then
  return {'conflict', rev}
end
local next_rev = tostring(tonumber(rev) + 1)
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'rev', next_rev, 'record', ARGV[4],
  'action_id', ARGV[11])
redis.call('PERSIST', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
if ARGV[5] ~= '' then
  redis.call('XADD', KEYS[4], '*', 'event', ARGV[5], 'id', ARGV[1], 'comment', ARGV[4])
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', 1000000, '*', 'id', ARGV[1], 'action', ARGV[6],
  'by', ARGV[7], 'at', ARGV[8], 'from', ARGV[9], 'to', ARGV[3])
if ARGV[10] ~= '' then
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', 1000000, '*', 'id', ARGV[1], 'label', ARGV[10],
    'by', ARGV[7], 'at', ARGV[8], 'comment', ARGV[4])
end
return {'ok', next_rev}
