-- stream.lua: wrk script for the streaming cell of gateway-bench.sh. Every request downloads
-- bigbody's response on a connection of its own (Connection: close, as each curl download had).
-- done() prints one line for the caller to parse:
--   bytes=<read> seconds=<elapsed> responses=<whole answers> status=<non-2xx answers> errors=<socket errors>
-- bytes= counts every byte read, so the download that the end of the round cuts off counts for
-- what it moved. Read errors are left out of errors=: wrk counts a server's close after its
-- answer as one, so with Connection: close every download makes one.

wrk.headers["Connection"] = "close"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("bytes=%d seconds=%.6f responses=%d status=%d errors=%d\n",
    summary.bytes, summary.duration / 1e6, summary.requests, errors.status,
    errors.connect + errors.write + errors.timeout))
end
