-- upload.lua: wrk script for the upload cell of gateway-bench.sh. Every request POSTs the file
-- named by UPLOAD_FILE on a connection of its own (Connection: close, as each curl upload had)
-- and must be answered 200 by readbody with the whole body counted ("hello, read N bytes");
-- any other answer is counted as bad. done() prints one line for the caller to parse:
--   uploads=<answered> seconds=<elapsed> bad=<wrong answers> errors=<socket errors>
-- wrk counts a server's close after its answer as a read error, so with Connection: close every
-- upload makes one; read errors are left out of errors=. An upload cut off without an answer is
-- not in uploads= either, so it lowers the rate rather than hiding in it.

local path = os.getenv("UPLOAD_FILE")
local file = assert(io.open(path, "rb"), "cannot read UPLOAD_FILE " .. tostring(path))
local body = file:read("*a")
file:close()
local expected = "hello, read " .. #body .. " bytes"

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Connection"] = "close"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

bad = 0

function response(status, headers, reply)
  if status ~= 200 or string.sub(reply, 1, #expected) ~= expected then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("bad")
  end
  local errors = summary.errors
  io.write(string.format("uploads=%d seconds=%.6f bad=%d errors=%d\n", summary.requests,
    summary.duration / 1e6, wrong,
    errors.connect + errors.write + errors.timeout))
end
