-- Keep an Akismet submit-spam or submit-ham on the feedback stream, and index the entry by the
-- commenter's e-mail address, so that erasing that address finds it: such an entry belongs to
-- no stored comment whose record would name it.
--
-- KEYS[1] feedback stream   KEYS[2] the e-mail address's feedback index (optional)
-- ARGV[1] stream length cap  ARGV[2..] field, value, ...
local entry = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 2))
if KEYS[2] then
  redis.call('SADD', KEYS[2], entry)
end
return entry
