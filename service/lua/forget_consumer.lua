-- Remove a consumer from its group, but only while it holds no pending entry: XGROUP DELCONSUMER
-- drops a consumer's pending entries with it, and those would then never be delivered.
-- Atomic, so an entry handed to the consumer meanwhile is either seen here or recreates it.
-- Returns 1 if the consumer was removed, 0 if it still holds entries.
--
-- KEYS[1] stream   ARGV[1] group   ARGV[2] consumer
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #pending > 0 then
  return 0
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
