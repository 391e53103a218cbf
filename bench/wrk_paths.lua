-- wrk script for bench/api.py's cold workloads: each request asks for a path drawn at random from a file
-- (one percent-encoded path a line), so a server meets many distinct URLs, as from many readers, instead of
-- replaying one. Arguments after `--`: the file and a seed (each thread seeds its own generator from it).
-- With WRK_STATUSES set in the environment, responses are also counted by status, with the 503s that lack a
-- Retry-After header: wrk then hands every response to Lua, which costs time, so only the overload run asks.
-- The summary is one JSON line, as wrk_report.lua prints it (latencies in microseconds).

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_number", #threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  math.randomseed(tonumber(args[2]) * 1000 + thread_number)
  statuses = {}
  missing_retry_after = 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

local function has_retry_after(headers)
  for name, _ in pairs(headers) do
    if string.lower(name) == "retry-after" then
      return true
    end
  end
  return false
end

if os.getenv("WRK_STATUSES") then
  function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if status == 503 and not has_retry_after(headers) then
      missing_retry_after = missing_retry_after + 1
    end
  end
end

function done(summary, latency, requests)
  local counted, missing = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      counted[status] = (counted[status] or 0) + count
    end
    missing = missing + (thread:get("missing_retry_after") or 0)
  end
  local cells = {}
  for status, count in pairs(counted) do
    cells[#cells + 1] = string.format('"%s": %.0f', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "p50_us": %.0f, "p99_us": %.0f, "max_us": %.0f, '
      .. '"non_2xx_3xx": %.0f, "socket_errors": %.0f, "statuses": {%s}, "missing_retry_after": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(cells, ", "), missing))
end
