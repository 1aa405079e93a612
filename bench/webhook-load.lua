-- wrk script of bench/webhooks (LOAD=wrk): sends deliveries signed ahead (bench/WebhookLoad.java --write), each
-- once: wrk's threads take every T-th line of the file. A thread that has sent all of its lines stops; the run is
-- sized so that none does (bench/webhooks signs more than the app can take in the time). Each thread has one
-- connection (wrk -t C -c C), so its requests and answers alternate and the time of each answer is taken here, raw:
-- wrk 4's own percentiles are corrected for coordinated omission (higher than the answers' when some are slow).
-- done() prints one line:
--   webhook-load deliveries=N seconds=S p50_ms= p99_ms= max_ms= statuses=202:N,... exhausted=K errors=E
--
-- wrk -t C -c C -d D --timeout 10s -s bench/webhook-load.lua URL -- FILE C
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("number", created)
  table.insert(threads, thread)
end

local requests = {}
local position = 1
local sent_at = nil
statuses = {}
latencies = {}
exhausted = 0

function init(args)
  local file, count = args[1], tonumber(args[2])
  local index = 0
  for line in io.lines(file) do
    if index % count == number - 1 then
      local id, signature, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["X-Outreach-Signature"] = signature,
        ["X-Outreach-Delivery-Id"] = id,
      }, body)
    end
    index = index + 1
  end
  if #requests == 0 then
    error("no signed deliveries for thread " .. number .. " in " .. file .. ": sign at least one per thread")
  end
end

function request()
  local next = requests[position]
  if next == nil then
    -- The thread stops at the end of its loop's pass: the connections writable in that pass send this last
    -- delivery again (the app answers a delivery id it has seen with its stored answer; those answers are not read).
    exhausted = 1
    wrk.thread:stop()
    return requests[#requests]
  end
  position = position + 1
  sent_at = now_ms()
  return next
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if sent_at ~= nil then
    latencies[#latencies + 1] = now_ms() - sent_at
    sent_at = nil
  end
end

function done(summary)
  local counts, all, ran_out, times = {}, {}, 0, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
    for _, ms in ipairs(thread:get("latencies")) do
      times[#times + 1] = ms
    end
    ran_out = ran_out + thread:get("exhausted")
  end
  table.sort(times)
  local function percentile(p)
    return #times == 0 and 0 or times[math.max(1, math.ceil(#times * p / 100))]
  end
  local answered = 0
  for status, count in pairs(counts) do
    all[#all + 1] = status .. ":" .. count
    answered = answered + count
  end
  table.sort(all)
  io.write(string.format("webhook-load deliveries=%d seconds=%.3f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f statuses=%s"
    .. " exhausted=%d errors=%d\n", answered, summary.duration / 1e6, percentile(50), percentile(99),
    percentile(100), table.concat(all, ","), ran_out,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
