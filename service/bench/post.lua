-- wrk script: every request a distinct, benign "Leave a Reply" post from a distinct client, so
-- that no duplicate, flood or rate rule fires. RG_RUN makes each run's posts new; RG_TOKEN is a
-- form token issued before the run.
local run = os.getenv("RG_RUN") or tostring(os.time())
local run_hash = 0
for i = 1, #run do
  run_hash = (run_hash * 31 + string.byte(run, i)) % 65536
end
local token = os.getenv("RG_TOKEN") or ""
local threads = {}
local counter = 0
-- A global, not a local: done() reads each thread's count with thread:get, which sees only
-- globals (as a local it read nil, and answers other than 201 went uncounted).
non201 = 0

-- A number in letters (0 -> "b", 13 -> "db"), as posts.py writes it: digits in the text
-- would change it (a run of five or more digits reads as a phone number, a spam sign), and so
-- would a tag that spells a word: no vowel, and none of c, f, k, l, r, s, t, y.
local alphabet = "bdghjmnpqvwxz"
local function letters(n)
  local out = ""
  repeat
    local digit = n % #alphabet
    out = string.sub(alphabet, digit + 1, digit + 1) .. out
    n = math.floor(n / #alphabet)
  until n == 0
  return out
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- The parts of the body that do not change, encoded once: the tag between them is made of
-- letters and hyphens, which need no encoding. The load generator shares the machine with the
-- servers it measures, so what it spends on a request is taken from them.
local before_tag = "comment=" .. urlencode("Thanks for the clear report on the council vote (")
local after_tag = urlencode("). Will the new bridge have a cycle lane, and who pays for the "
  .. "upkeep?") .. "&author=" .. urlencode("Reader ")
local before_domain = "&email=reader."
local after_domain = urlencode("@example.org")
  .. "&url=&comment_post_ID=4127&comment_parent=0&wp-comment-cookies-consent=yes"
  .. "&rg_token=" .. urlencode(token)
local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  prefix = run .. "-" .. letters(id) .. "-"
  address = string.format("fd%02x:%x:", id % 256, run_hash)
end

request = function()
  counter = counter + 1
  local n = prefix .. letters(counter)
  headers["X-Forwarded-For"] = string.format("%s%x::%x", address, math.floor(counter / 65536),
    counter % 65536)
  return wrk.format("POST", "/comments", headers, before_tag .. n .. after_tag .. n
    .. before_domain .. n .. after_domain)
end

response = function(status, headers, body)
  if status ~= 201 then
    non201 = non201 + 1
  end
end

done = function(summary, latency, requests)
  local other = 0
  for _, thread in ipairs(threads) do
    other = other + (thread:get("non201") or 0)
  end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non201": %d, '
      .. '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
