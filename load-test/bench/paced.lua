-- wrk script: the generator's "predict" request, each connection pausing between requests so that wrk offers a
-- set rate (wrk has no rate option). The pause in ms comes from the environment, WRK_DELAY_MS.
wrk.method = "POST"
wrk.body = '{"uid": 42}'
wrk.headers["Content-Type"] = "application/json"

local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")

function delay()
    return pause
end
