-- wrk script of bench/load.py: a fixed request rate (wrk2 is not in Debian), paths in turn, and
-- one summary line. Read from the environment, because wrk decides whether a script paces
-- before it calls init():
--   BENCH_RATE   requests a second for the whole run (one wrk thread); 0 or unset: no pacing
--   BENCH_PATHS  the paths to ask for, in turn, separated by spaces
-- Pacing is by schedule: the n-th request is due at start + n / rate, and whichever connection
-- is free sends it (at once when it is late), so slow answers do not lower the rate while a
-- connection is free. Latency is wrk's: from sending a request to its answer.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = path
end
local requests, turn = {}, 0

function init(args)
  for i, path in ipairs(paths) do
    requests[i] = wrk.format("GET", path)  -- with the -H headers (Host, Cookie)
  end
end

function request()
  turn = turn % #requests + 1
  return requests[turn]
end

if rate > 0 then
  local interval, started, due = 1000 / rate, nil, 0

  function delay()
    local now = now_ms()
    started = started or now
    local wait = started + due * interval - now
    due = due + 1
    return wait > 0 and math.floor(wait) or 0
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "PACED requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
