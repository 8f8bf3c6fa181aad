-- Erase one comment and every copy of its personal data (a person's right to erasure).
-- Returns the comment's status before erasure, or false if it was already gone.
--
-- KEYS[1] comment hash  KEYS[2] approved stream  KEYS[3] feedback stream
-- KEYS[4] expiry schedule  KEYS[5] trusted-author  KEYS[6] duplicate (author)
-- KEYS[7] duplicate (e-mail)  KEYS[8..] every status queue
-- ARGV[1] id  ARGV[2] record JSON to publish with a 'retracted' event if it was approved
local status, entries, feedback = unpack(redis.call('HMGET', KEYS[1], 'status', 'entries',
  'feedback_entries'))
if not status then
  return false
end
local function each_word(text, fn)
  if text then
    for word in string.gmatch(text, '%S+') do fn(word) end
  end
end
each_word(entries, function(entry) redis.call('XDEL', KEYS[2], entry) end)
each_word(feedback, function(entry) redis.call('XDEL', KEYS[3], entry) end)
for i = 8, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[1])
end
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('DEL', KEYS[1], KEYS[5], KEYS[6], KEYS[7])
if status == 'approved' then
  redis.call('XADD', KEYS[2], '*', 'event', 'retracted', 'id', ARGV[1], 'comment', ARGV[2])
end
return status
