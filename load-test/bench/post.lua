-- wrk script: the same request the load generator's "predict" endpoint sends.
wrk.method = "POST"
wrk.body = '{"uid": 42}'
wrk.headers["Content-Type"] = "application/json"
