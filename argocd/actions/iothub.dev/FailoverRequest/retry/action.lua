-- Argo CD action "retry" of iothub.dev/FailoverRequest (argocd/argocd-cm-actions.yaml): creates a
-- new FailoverRequest with the same hub and confirmation, named <hub>-retry-<UTC time> (a request
-- is one-shot; its name is remembered, so the old one cannot run again). The new request keeps the
-- old one's owner (the hub, when the failover action created it) and none of its labels, so Argo
-- CD neither prunes it as out of Git nor mistakes it for the old one. Whether it fails over or
-- fails back is the operator's decision, from where the hub runs when it takes the request.
local os = require("os")
local status = obj.status or {}
if status.phase ~= "Failed" and status.phase ~= "Rejected" then
  error("Request " .. obj.metadata.name .. " has not ended (" .. tostring(status.phase) ..
    "): wait for it before retrying.", 0)
end

local request = {}
request.apiVersion = obj.apiVersion
request.kind = obj.kind
request.metadata = {}
request.metadata.name = obj.spec.hubName .. "-retry-" .. os.date("!%Y%m%d%H%M%S")
request.metadata.namespace = obj.metadata.namespace
request.metadata.annotations = {["iothub.dev/requested-by"] = "argocd-action/retry",
  ["iothub.dev/retry-of"] = obj.metadata.name}
if obj.metadata.ownerReferences ~= nil and #obj.metadata.ownerReferences > 0 then
  request.metadata.ownerReferences = obj.metadata.ownerReferences
end
request.spec = {}
request.spec.hubName = obj.spec.hubName
request.spec.confirmHubName = obj.spec.confirmHubName

local created = {}
created.operation = "create"
created.resource = request
return {created}
