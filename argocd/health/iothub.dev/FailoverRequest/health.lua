-- Argo CD health check of iothub.dev/FailoverRequest (installed by argocd/argocd-cm-health.yaml).
-- Argo CD runs it with the live object as global `obj` and uses the returned table's status and
-- message. Plain Lua 5.1 (no goto), no libraries beyond the base ones.
--   Progressing: no status yet, Pending or Running.
--   Healthy:     Succeeded.
--   Degraded:    Rejected or Failed, with "<reason>: <message>". Those phases are final: to try
--                again, create a new request (a request's spec is immutable).
local hs = {}
local status = obj.status

local function describe(reason, message)
  if reason ~= nil and reason ~= "" and message ~= nil and message ~= "" then
    return reason .. ": " .. message
  end
  if message ~= nil and message ~= "" then
    return message
  end
  return reason
end

if status == nil or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to pick up the request."
elseif status.phase == "Pending" then
  hs.status = "Progressing"
  hs.message = status.message or "Pending: waiting for the hub to accept the request."
elseif status.phase == "Running" then
  hs.status = "Progressing"
  local text = status.message or ((status.type or "Operation") .. " in progress.")
  if status.step ~= nil and string.find(text, status.step, 1, true) == nil then
    text = text .. " Step: " .. status.step .. "."
  end
  if status.devicesTotal ~= nil and status.devicesMigrated ~= nil then
    text = text .. " Devices migrated: " .. tostring(status.devicesMigrated) .. "/" ..
      tostring(status.devicesTotal) .. "."
  end
  hs.message = text
elseif status.phase == "Succeeded" then
  hs.status = "Healthy"
  hs.message = status.message or ((status.type or "Operation") .. " succeeded.")
elseif status.phase == "Rejected" or status.phase == "Failed" then
  hs.status = "Degraded"
  hs.message = describe(status.reason or status.phase, status.message)
else
  hs.status = "Unknown"
  hs.message = "Unknown phase " .. tostring(status.phase) .. "."
end

return hs
