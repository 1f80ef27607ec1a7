-- One wrk script for every benchmarked request, chosen by its arguments:
--   wrk ... -s bench.lua URL -- MODE TOKEN RUN_ID [ARG ...]
-- MODE get:    GET each ARG path in turn (a list of paths)
--      post:   POST /api/movies with a name unique to this run, thread and request
--      patch:  PATCH /api/movies/<ARG> in turn, changing genres
--      login:  POST /api/auth/login with ARG[1] email and ARG[2] password
--      polite-login: the same, but after a 503 the next request waits for its Retry-After, as the web
--              client and any well-behaved client do
-- TOKEN is a bearer token ("-" for none). done() prints one line: WRKJSON {...}.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  mode, token, run_id = args[1], args[2], args[3]
  items = {}
  for i = 4, #args do items[#items + 1] = args[i] end
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
  if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
  if mode == "login" or mode == "polite-login" then
    login_body = string.format('{"email": "%s", "password": "%s"}', items[1], items[2])
  end
  if mode == "polite-login" then
    -- Defined here, not at the top: a script with response() makes wrk parse every answer's headers,
    -- which the other modes do not need.
    wait_ms = 0
    function response(status, headers, body)
      wait_ms = 0
      if status == 503 and headers["Retry-After"] then wait_ms = 1000 * tonumber(headers["Retry-After"]) end
    end
    function delay()
      return wait_ms
    end
  end
end

function request()
  counter = counter + 1
  local item = items[(counter - 1) % math.max(#items, 1) + 1]
  if mode == "get" then
    return wrk.format("GET", item, headers)
  elseif mode == "post" then
    local body = string.format(
      '{"name": "wrk %s %d-%d", "casts": ["Bench Actor", "Another Actor"], "genres": ["Drama"]}',
      run_id, tid or 0, counter)
    return wrk.format("POST", "/api/movies", headers, body)
  elseif mode == "patch" then
    local body = string.format('{"genres": ["Drama", "Patched %d"]}', counter % 97)
    return wrk.format("PATCH", "/api/movies/" .. item, headers, body)
  elseif mode == "login" or mode == "polite-login" then
    return wrk.format("POST", "/api/auth/login", headers, login_body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
