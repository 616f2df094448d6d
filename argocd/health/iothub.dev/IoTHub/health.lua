-- Argo CD health check of iothub.dev/IoTHub (installed by argocd/argocd-cm-health.yaml).
-- Argo CD runs it with the live object as global `obj` and uses the returned table's status and
-- message. Plain Lua 5.1 (no goto), no libraries beyond the base ones.
--   Progressing: no status yet, a spec change not yet observed, provisioning, an operation (failover
--                or failback) running, or waiting for a broker to become available.
--   Healthy:     Ready and no operation running.
--   Degraded:    state Failed, or not Ready for a reason that needs a person.
local hs = {}

-- Reasons of the Ready condition that waiting does not cure: somebody has to change the hub or the
-- operator's region catalog, create a namespace, fail the hub over, or rename or delete an object
-- that is in the hub's way.
local needsPerson = {
  UnknownLocation = true,
  LocationNotPaired = true,
  RegionNamespaceMissing = true,
  ActiveRegionUnavailable = true,
  NameConflict = true,
}

local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(reason, message)
  if reason ~= nil and reason ~= "" and message ~= nil and message ~= "" then
    return reason .. ": " .. message
  end
  if message ~= nil and message ~= "" then
    return message
  end
  return reason
end

local status = obj.status
local generation = obj.metadata and obj.metadata.generation

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Deleting: the operator removes the hub's brokers in both regions."
elseif status == nil or status.state == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report the hub's status."
elseif generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  -- The status describes an older spec: wait for the operator before judging.
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation) .. "."
else
  local ready = condition(status, "Ready")
  if status.state == "Failed" then
    hs.status = "Degraded"
    if ready ~= nil and ready.status ~= "True" then
      hs.message = describe(ready.reason, ready.message)
    else
      hs.message = describe("Failed", status.message)
    end
  elseif ready ~= nil and ready.status ~= "True" and needsPerson[ready.reason] then
    hs.status = "Degraded"
    hs.message = describe(ready.reason, ready.message)
  elseif status.operation ~= nil or status.state == "FailingOver" or status.state == "FailingBack" then
    hs.status = "Progressing"
    local text = status.message or (tostring(status.state) .. " in progress.")
    if status.operation ~= nil and status.operation.step ~= nil then
      text = text .. " Step: " .. status.operation.step
      if status.operation.devicesTotal ~= nil and status.operation.devicesMigrated ~= nil then
        text = text .. " (" .. tostring(status.operation.devicesMigrated) .. "/" ..
          tostring(status.operation.devicesTotal) .. " devices)"
      end
      text = text .. "."
    end
    hs.message = text
  elseif ready == nil then
    hs.status = "Progressing"
    hs.message = status.message or "Waiting for the Ready condition."
  elseif ready.status == "True" and status.state == "Active" then
    hs.status = "Healthy"
    hs.message = status.message or ready.message
  elseif ready.status == "True" then
    -- Ready but still reported as Provisioning: the next status write makes it Active.
    hs.status = "Progressing"
    hs.message = status.message or ready.message
  else
    -- Not ready for a reason that waiting cures (BrokerNotAvailable, or a reason this check does
    -- not know): the operator retries on its own.
    hs.status = "Progressing"
    hs.message = describe(ready.reason, ready.message)
  end
end

return hs
