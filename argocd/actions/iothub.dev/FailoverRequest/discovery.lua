-- Argo CD resource actions of iothub.dev/FailoverRequest (installed by
-- argocd/argocd-cm-actions.yaml). A request is one-shot and immutable: "retry" runs the same
-- operation again as a new request. It is offered once the request has ended Failed, or Rejected
-- for a reason that time cures (TooSoon, QuotaExceeded, OperationInProgress, HubNotReady); other
-- rejections need a changed request (ConfirmationMismatch, HubNotFound, NotPaired, ...), and a
-- disabled action says why in its displayName (Argo CD's contract has no reason field).
local actions = {}
local status = obj.status or {}
local phase = status.phase
local reason = status.reason
local retryable = {TooSoon = true, QuotaExceeded = true, OperationInProgress = true, HubNotReady = true}
local why = nil
if phase == "Failed" then
  why = nil
elseif phase == "Rejected" then
  if not retryable[reason or ""] then
    why = "rejected with " .. tostring(reason) .. ": fix the request and create a new one"
  end
elseif phase == "Succeeded" then
  why = "the request succeeded"
else
  why = "the request has not ended yet"
end
if why == nil then
  actions["retry"] = {["disabled"] = false, ["iconClass"] = "fa fa-fw fa-redo",
    ["displayName"] = "Retry as a new request"}
else
  actions["retry"] = {["disabled"] = true, ["iconClass"] = "fa fa-fw fa-redo",
    ["displayName"] = "Retry (not now: " .. why .. ")"}
end
return actions
