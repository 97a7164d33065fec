-- Argo CD health check for recommender.io/Recommender, from the status the operator writes.
--   Progressing  no status yet, or the operator has not acted on the current spec (observedGeneration behind
--                metadata.generation), or a version is training, rolling out or being load-tested
--   Degraded     phase Failed or condition Degraded=True (a version refused by the latency gate, a failed
--                training, a candidate whose pods cannot start); the message is the Degraded condition's
--   Healthy      Ready=True: a promoted version of the current spec serves traffic
-- Degraded is checked before Ready: when the version in Git is refused, the previous one keeps serving
-- (Ready=True), yet what Git asks for is not what runs, and that is what Argo CD should show.

local function condition(status, conditionType)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function messageOf(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

hs = {}
local status = obj.status
if status == nil or status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on this Recommender"
  return hs
end
if status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on generation " .. tostring(obj.metadata.generation)
    .. " (it last acted on " .. tostring(status.observedGeneration) .. ")"
  return hs
end

local degraded = condition(status, "Degraded")
if status.phase == "Failed" or (degraded ~= nil and degraded.status == "True") then
  hs.status = "Degraded"
  hs.message = messageOf(degraded, "Phase " .. tostring(status.phase))
  return hs
end

local ready = condition(status, "Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = messageOf(ready, "Ready")
  return hs
end

hs.status = "Progressing"
hs.message = messageOf(condition(status, "Progressing"), "Phase " .. tostring(status.phase))
return hs
