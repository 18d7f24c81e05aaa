-- wrk script for bench/run.
--
--   wrk ... -s bench/wrk/bench.lua URL -- get
--   wrk ... -s bench/wrk/bench.lua URL -- queries FILE
--   wrk ... -s bench/wrk/bench.lua URL -- signup RUN_ID CSRF_TOKEN STARTED CLIENT_BASE [PATH_PATTERN COUNT]
--
-- "get" sends the request given on wrk's command line (with its -H headers).
-- "queries" sends URL's path with ?q= and a different query each request:
-- the lines of FILE (URL-encoded, one a line, written by bench/main.py from
-- the municipality and contact point names), in turn, each thread from its
-- own place in the list.
-- "signup" POSTs the public sign-up form, each request with a new address
-- (RUN_ID, the wrk thread and a counter) from a new client address (in
-- X-Forwarded-For, which the app trusts from one proxy: 10.x.y.z, x from
-- CLIENT_BASE and the thread), with the CSRF token that matches the csrftoken
-- cookie passed with -H and the form's time stamp STARTED (URL-encoded, from a
-- form served long enough ago for the time trap); to URL's path, or, given
-- PATH_PATTERN (with one %d) and COUNT, to COUNT paths in turn (many contact
-- points).
-- At the end one line is printed:
-- BENCH_JSON {...} with requests/s and latency percentiles (microseconds).

-- In wrk's main state: number the threads. In each thread, the global
-- thread_number is then set by thread:set.
local created = 0

function setup(thread)
    created = created + 1
    thread:set("thread_number", created)
end

local mode = "get"
local run_id = "run"
local csrf_token = ""
local started = ""
local client_base = 0
local counter = 0
local path_pattern = nil
local path_count = 0
local queries = {}
local base_path = "/"

function init(args)
    mode = args[1] or "get"
    if mode == "signup" then
        run_id = args[2]
        csrf_token = args[3]
        started = args[4]
        client_base = tonumber(args[5] or "0")
        path_pattern = args[6]
        path_count = tonumber(args[7] or "0")
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    elseif mode == "queries" then
        local file = assert(io.open(args[2], "r"))
        for line in file:lines() do
            if line ~= "" then
                queries[#queries + 1] = line
            end
        end
        file:close()
        assert(#queries > 0, "no queries in " .. args[2])
        base_path = wrk.path
        -- Each thread starts at its own place, far from the others'.
        counter = ((thread_number or 1) - 1) * 7919
    end
end

function request()
    if mode == "queries" then
        counter = counter + 1
        return wrk.format(nil, base_path .. "?q=" .. queries[(counter % #queries) + 1])
    end
    if mode ~= "signup" then
        return wrk.format()
    end
    counter = counter + 1
    wrk.headers["X-Forwarded-For"] = string.format(
        "10.%d.%d.%d", (client_base + thread_number) % 256, math.floor(counter / 256) % 256, counter % 256
    )
    local address = string.format("bench-%s-%s-%d%%40example.invalid", run_id, thread_number, counter)
    local body = "csrfmiddlewaretoken=" .. csrf_token
        .. "&started=" .. started
        .. "&email=" .. address
        .. "&for_myself=on&adult=on&privacy=on&nickname="
        .. "&format=any&time_of_day=any&languages=no&age_group=any"
    local path = nil
    if path_pattern and path_count > 0 then
        path = string.format(path_pattern, (counter * 7 + thread_number) % path_count)
    end
    return wrk.format("POST", path, nil, body)
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1000000
    local errors = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "bytes": %d, '
            .. '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, '
            .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
        summary.requests, seconds, summary.requests / seconds, summary.bytes,
        latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
        latency.max, latency.mean,
        errors.connect, errors.read, errors.write, errors.status, errors.timeout
    ))
end
