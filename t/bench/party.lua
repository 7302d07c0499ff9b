-- wrk script: POST a RequestPartyService body with a scenario's credential.
--
-- Environment (set by run.sh):
--   BENCH_BODY         file with the JSON body
--   BENCH_HEADER       the credential's header name (X-API-Key, ...)
--   BENCH_CREDENTIALS  file with one header value per line: one line is
--                      sent on every request; several are sent in turn,
--                      a new one per request
--
-- done() prints one "BENCH ..." line that run.sh parses; wrk's own
-- --latency report is kept in the run's log.

local function read_file(path)
    local f = assert(io.open(path, "rb"))
    local data = f:read("*a")
    f:close()
    return data
end

local function read_lines(path)
    local lines = {}
    for line in io.lines(path) do
        if line ~= "" then
            lines[#lines + 1] = line
        end
    end
    return lines
end

wrk.method = "POST"
wrk.body = read_file(os.getenv("BENCH_BODY"))
wrk.headers["Content-Type"] = "application/json"

local header = os.getenv("BENCH_HEADER")
local values = read_lines(os.getenv("BENCH_CREDENTIALS"))

if #values == 1 then
    -- the same request every time: wrk builds it once
    wrk.headers[header] = values[1]

elseif #values > 1 then
    local i = 0

    function request()
        i = i % #values + 1
        wrk.headers[header] = values[i]
        return wrk.format()
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d"
        .. " non2xx=%d errors=%d\n",
        summary.requests, summary.duration,
        latency:percentile(50), latency:percentile(99),
        e.status, e.connect + e.read + e.write + e.timeout))
end
