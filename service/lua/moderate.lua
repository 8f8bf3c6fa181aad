-- Move a comment to a new status if nobody changed it since it was read (compare-and-set on rev).
-- Returns {'ok', rev} | {'conflict', rev} | {'missing', ''}.
--
-- KEYS[1] comment hash  KEYS[2] old queue  KEYS[3] new queue  KEYS[4] approved stream
-- KEYS[5] audit stream  KEYS[6] feedback stream  KEYS[7] trusted-author  KEYS[8] expiry schedule
-- ARGV[1] id  ARGV[2] expected rev  ARGV[3] new status  ARGV[4] new record JSON
-- ARGV[5] stream event ('approved', 'retracted' or '')  ARGV[6] action  ARGV[7] moderator
-- ARGV[8] time (ISO 8601)  ARGV[9] old status  ARGV[10] feedback label ('' for none)
-- ARGV[11] a unique id of this action, so that a retry of an applied action reports success
-- ARGV[12] retention (s) for spam and rejected comments
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
local id, status = ARGV[1], ARGV[3]
local next_rev = tostring(tonumber(rev) + 1)
redis.call('HSET', KEYS[1], 'status', status, 'rev', next_rev, 'record', ARGV[4],
  'action_id', ARGV[11])
redis.call('ZREM', KEYS[2], id)
redis.call('ZADD', KEYS[3], 0, id)
if status == 'spam' or status == 'rejected' then
  local now = redis.call('TIME')
  local retention = tonumber(ARGV[12])
  redis.call('EXPIRE', KEYS[1], retention)
  redis.call('ZADD', KEYS[8], tonumber(now[1]) * 1000 + retention * 1000, id)
else
  redis.call('PERSIST', KEYS[1])
  redis.call('ZREM', KEYS[8], id)
end
if ARGV[5] ~= '' then
  local entry = redis.call('XADD', KEYS[4], '*', 'event', ARGV[5], 'id', id, 'comment', ARGV[4])
  local entries = redis.call('HGET', KEYS[1], 'entries')
  redis.call('HSET', KEYS[1], 'entries', entries and (entries .. ' ' .. entry) or entry)
end
if status == 'approved' then
  redis.call('SET', KEYS[7], '1')
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', 1000000, '*', 'id', id, 'action', ARGV[6],
  'by', ARGV[7], 'at', ARGV[8], 'from', ARGV[9], 'to', status)
if ARGV[10] ~= '' then
  local entry = redis.call('XADD', KEYS[6], 'MAXLEN', '~', 1000000, '*', 'id', id,
    'label', ARGV[10], 'by', ARGV[7], 'at', ARGV[8], 'comment', ARGV[4])
  local entries = redis.call('HGET', KEYS[1], 'feedback_entries')
  redis.call('HSET', KEYS[1], 'feedback_entries', entries and (entries .. ' ' .. entry) or entry)
end
return {'ok', next_rev}
