-- wrk script: each connection sends DEPTH requests for /plaintext in one write, and the next DEPTH once all are
-- answered, as TechEmpower's plaintext test pipelines 16. DEPTH comes from the environment (default 16).
--   DEPTH=16 wrk -t1 -c100 -d10s -s bench/pipeline.lua http://127.0.0.1:PORT/plaintext
local depth = tonumber(os.getenv("DEPTH") or "16")

init = function(args)
    local requests = {}
    for i = 1, depth do
        requests[i] = wrk.format(nil, wrk.path)
    end
    batch = table.concat(requests)
end

request = function()
    return batch
end
