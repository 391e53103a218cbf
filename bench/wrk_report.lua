-- wrk reporter for bench/api.py: the run's summary as one JSON line (latencies in microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "p50_us": %.0f, "p99_us": %.0f, "max_us": %.0f, '
      .. '"non_2xx_3xx": %.0f, "socket_errors": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
