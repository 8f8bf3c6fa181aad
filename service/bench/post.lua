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
local non201 = 0

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

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

request = function()
  counter = counter + 1
  local n = string.format("%s-%s-%s", run, letters(id), letters(counter))
  local body = "comment=" .. urlencode("Thanks for the clear report on the council vote ("
      .. n .. "). Will the new bridge have a cycle lane, and who pays for the upkeep?")
    .. "&author=" .. urlencode("Reader " .. n)
    .. "&email=" .. urlencode("reader." .. n .. "@example.org")
    .. "&url=&comment_post_ID=4127&comment_parent=0&wp-comment-cookies-consent=yes"
    .. "&rg_token=" .. urlencode(token)
  local ip = string.format("fd%02x:%x:%x::%x", id % 256, run_hash, math.floor(counter / 65536),
    counter % 65536)
  return wrk.format("POST", "/comments", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = ip,
  }, body)
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
