-- Argo CD action "failback" of iothub.dev/IoTHub (argocd/argocd-cm-actions.yaml): creates a
-- FailoverRequest for this hub with the typed confirmation filled in, named
-- <hub>-<failover|failback>-<UTC time>. A request is one-shot, hence a new name each time. Its owner is the
-- hub, so Argo CD shows it under the hub with its health, and it goes when the hub goes; it carries
-- none of the hub's labels, so Argo CD does not prune it as out of Git.
-- failover/action.lua and failback/action.lua differ only in `wanted` and in their first line
-- (ArgoCdActionsTest checks it).
local os = require("os")
local wanted = "Failback"

local status = obj.status or {}
local atPrimary = status.currentLocation ~= nil and status.primaryLocation ~= nil and
  status.currentLocation.id == status.primaryLocation.id
-- A request fails over a hub at its primary location and fails back one elsewhere: refuse the
-- click that would do the other (e.g. from the CLI, or from a stale page).
if status.currentLocation ~= nil then
  if wanted == "Failover" and not atPrimary then
    error(obj.metadata.name .. " runs in its failover location " .. tostring(status.currentLocation.displayName) ..
      ": use the failback action.", 0)
  end
  if wanted == "Failback" and atPrimary then
    error(obj.metadata.name .. " runs in its primary location " .. tostring(status.currentLocation.displayName) ..
      ": use the failover action.", 0)
  end
end

local request = {}
request.apiVersion = "iothub.dev/v1alpha1"
request.kind = "FailoverRequest"
request.metadata = {}
request.metadata.name = obj.metadata.name .. "-" .. string.lower(wanted) .. "-" .. os.date("!%Y%m%d%H%M%S")
request.metadata.namespace = obj.metadata.namespace
request.metadata.annotations = {["iothub.dev/requested-by"] = "argocd-action/" .. string.lower(wanted)}
local owner = {}
owner.apiVersion = obj.apiVersion
owner.kind = obj.kind
owner.name = obj.metadata.name
owner.uid = obj.metadata.uid
request.metadata.ownerReferences = {owner}
request.spec = {}
request.spec.hubName = obj.metadata.name
request.spec.confirmHubName = obj.metadata.name

local created = {}
created.operation = "create"
created.resource = request
return {created}
