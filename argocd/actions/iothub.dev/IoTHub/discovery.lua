-- Argo CD resource actions of iothub.dev/IoTHub (installed by argocd/argocd-cm-actions.yaml):
-- which of "failover" and "failback" a person may click now. Argo CD runs it with the live object
-- as global `obj` and shows each returned action, greyed out when disabled. Argo CD's action
-- contract has no field for the reason, so a disabled action says it in its displayName.
-- The checks are the operator's own (FailoverRules), read from the hub's status: when they pass,
-- the request the action creates is taken; the operator still decides, and a request it refuses
-- ends Rejected with the reason. Plain Lua 5.1, base libraries and Argo CD's safe os module.
local os = require("os")
local actions = {}
local status = obj.status or {}
local quota = status.quota or {}

local function readyReason()
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == "Ready" then
      return c.reason
    end
  end
  return nil
end

local function place(loc)
  if loc == nil then
    return "?"
  end
  return loc.displayName or loc.id or "?"
end

-- Why no operation may start now, or nil when one may (direction and quota aside).
local function hubBlocker()
  if obj.metadata.deletionTimestamp ~= nil then
    return "the hub is being deleted"
  end
  if status.state == nil then
    return "the operator has not reported the hub's state yet"
  end
  if status.operation ~= nil then
    local kind = string.lower(status.operation.type or "operation")
    return "a " .. kind .. " is in progress (request " .. tostring(status.operation.requestName) .. ")"
  end
  local reason = readyReason()
  if reason == "LocationNotPaired" or reason == "UnknownLocation" or status.failoverLocation == nil then
    return "the hub has no failover location"
  end
  -- The reasons a failover cures (HubReason.failoverCures): a broker or region that is down.
  local cures = reason == "BrokerAvailable" or reason == "BrokerNotAvailable" or
    reason == "ActiveRegionUnavailable"
  if status.state ~= "Active" or not cures then
    return "the hub is not ready (" .. tostring(reason or status.state) .. ")"
  end
  local next = quota.nextOperationAllowedAt
  if next ~= nil and string.sub(next, 1, 19) > os.date("!%Y-%m-%dT%H:%M:%S") then
    return "not before " .. next .. ", 1 interval after the last operation"
  end
  return nil
end

local atPrimary = status.currentLocation ~= nil and status.primaryLocation ~= nil and
  status.currentLocation.id == status.primaryLocation.id
local blocker = hubBlocker()

local function offer(name, label, wanted, direction, remaining, plural)
  local why = blocker
  if why == nil and not direction then
    if name == "failover" then
      why = "the hub already runs in its failover location " .. place(status.currentLocation)
    else
      why = "the hub runs in its primary location " .. place(status.currentLocation)
    end
  end
  if why == nil and remaining ~= nil and remaining <= 0 then
    why = "no " .. plural .. " left in the quota window"
  end
  if why == nil then
    actions[name] = {["disabled"] = false, ["iconClass"] = "fa fa-fw fa-exchange",
      ["displayName"] = label .. " to " .. place(wanted)}
  else
    actions[name] = {["disabled"] = true, ["iconClass"] = "fa fa-fw fa-exchange",
      ["displayName"] = label .. " (not now: " .. why .. ")"}
  end
end

offer("failover", "Fail over", status.failoverLocation, atPrimary, quota.failoversRemaining, "failovers")
offer("failback", "Fail back", status.failoverLocation, not atPrimary, quota.failbacksRemaining, "failbacks")
return actions
