-- The last step of erasing an e-mail address: its comment index, and the feedback entries of
-- Akismet submissions that named it (with their index).
--
-- KEYS[1] feedback stream   KEYS[2] the address's comment index
-- KEYS[3] the address's feedback index
-- Returns how many feedback entries were deleted.
local entries = redis.call('SMEMBERS', KEYS[3])
local deleted = 0
for _, entry in ipairs(entries) do
  deleted = deleted + redis.call('XDEL', KEYS[1], entry)
end
redis.call('DEL', KEYS[2], KEYS[3])
return deleted
