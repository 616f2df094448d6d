{{/*
Names and labels.
*/}}
{{- define "iothub-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "iothub-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "iothub-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "iothub-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "iothub-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object, without a component. */}}
{{- define "iothub-operator.baseLabels" -}}
helm.sh/chart: {{ include "iothub-operator.chart" . }}
{{ include "iothub-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: iothub
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "iothub-operator.labels" -}}
{{ include "iothub-operator.baseLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "iothub-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "iothub-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "iothub-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "iothub-operator.leaseName" -}}
{{- default (printf "%s-leader" (include "iothub-operator.fullname" .)) .Values.leaderElection.leaseName }}
{{- end }}

{{/*
"true" when the chart renders the Namespace named by the second argument: it does not exist yet, or
this release created it. An existing namespace that another tool created is used as it is.
Call: include "iothub-operator.ownsNamespace" (list $ "name").
*/}}
{{- define "iothub-operator.ownsNamespace" -}}
{{- $root := index . 0 }}
{{- $existing := lookup "v1" "Namespace" "" (index . 1) }}
{{- if not $existing }}
{{- "true" }}
{{- else }}
{{- $a := default dict $existing.metadata.annotations }}
{{- and (eq (get $a "meta.helm.sh/release-name") $root.Release.Name) (eq (get $a "meta.helm.sh/release-namespace") $root.Release.Namespace) | toString }}
{{- end }}
{{- end }}

{{/*
The custom resources the operator reconciles (plural names in API group iothub.dev).
*/}}
{{- define "iothub-operator.crdPlurals" -}}
- iothubs
- failoverrequests
- devices
- deviceimports
{{- end }}

{{/*
Rules on the operator's own custom resources (API group iothub.dev), granted cluster-wide by a
ClusterRole: the operator watches them only in the hub namespaces (its configuration), but it must
keep these rights while a hub namespace is being deleted, when the namespace controller deletes the
operator's Role in that namespace together with everything else; without them the hubs' and
devices' finalizers could not be removed and the namespace would hang in Terminating. No create,
delete or deletecollection: the users create and delete these objects.
*/}}
{{- define "iothub-operator.crRules" -}}
{{- $plurals := include "iothub-operator.crdPlurals" . | fromYamlArray -}}
- apiGroups: ["iothub.dev"]
  resources: {{ toJson $plurals }}
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["iothub.dev"]
  resources:
  {{- range $plurals }}
    - {{ printf "%s/status" . }}
  {{- end }}
  verbs: ["get", "update", "patch"]
- apiGroups: ["iothub.dev"]
  resources:
  {{- range $plurals }}
    - {{ printf "%s/finalizers" . }}
  {{- end }}
  verbs: ["update"]
{{- end }}

{{/*
Rules in hub namespaces (where IoTHubs live): the hub's stable endpoint Service, its device-key
Secrets, the Events the operator records, and the ExternalDNS DNSEndpoint of a hub with a public
host name (spec.endpoint). A Role in each hub namespace (a ClusterRole only with
watchAllHubNamespaces).
*/}}
{{- define "iothub-operator.hubRules" -}}
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["externaldns.k8s.io"]
  resources: ["dnsendpoints"]
  verbs: ["get", "create", "update", "delete"]
{{- end }}

{{/*
Rules in region namespaces: each hub's broker tier. deletecollection: a hub's objects in a region
are removed with one label-selector delete per kind when the hub is deleted. patch on Secrets: the
registry's fence is a merge patch of one annotation per shard (no records sent).
*/}}
{{- define "iothub-operator.regionRules" -}}
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete", "deletecollection"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "delete", "deletecollection"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
{{- end }}

{{/*
Checks across values that the schema cannot express, with messages that say what to change.
*/}}
{{- define "iothub-operator.validate" -}}
{{- if and (not .Values.hubNamespaces) (not .Values.watchAllHubNamespaces) }}
{{- fail "hubNamespaces is empty: list the namespaces that hold your IoTHubs (e.g. hubNamespaces={manlfailrg}), or set watchAllHubNamespaces=true to watch every namespace (this grants the operator Secrets in every namespace)" }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled=true: without a leader, every replica would reconcile the same hubs" }}
{{- end }}
{{- range $id, $r := .Values.regions.overrides }}
{{- if and $r.namespace (not $r.cluster) (not (has $r.namespace $.Values.regions.namespaces)) }}
{{- fail (printf "regions.overrides.%s.namespace is %s, which regions.namespaces does not list: the operator would have no rights there; add it to regions.namespaces" $id $r.namespace) }}
{{- end }}
{{- if and $r.pair (eq $r.pair $id) }}
{{- fail (printf "regions.overrides.%s.pair: a region cannot be its own pair" $id) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
application.properties of the operator, as a dict of key -> value (rendered sorted).
*/}}
{{- define "iothub-operator.properties" -}}
{{- $p := dict }}
{{- $hubNs := "JOSDK_ALL_NAMESPACES" }}
{{- if not .Values.watchAllHubNamespaces }}
{{- $hubNs = join "," .Values.hubNamespaces }}
{{- end }}
{{- $_ := set $p "quarkus.operator-sdk.namespaces" $hubNs }}
{{- $_ := set $p "quarkus.operator-sdk.controllers.iothub.namespaces" $hubNs }}
{{- $_ := set $p "quarkus.operator-sdk.controllers.failoverrequest.namespaces" $hubNs }}
{{- $_ := set $p "quarkus.log.level" .Values.logging.level }}
{{- range $category, $level := .Values.logging.categories }}
{{- $_ := set $p (printf "quarkus.log.category.\"%s\".level" $category) $level }}
{{- end }}
{{- if .Values.logging.consoleFormat }}
{{- $_ := set $p "quarkus.log.console.format" .Values.logging.consoleFormat }}
{{- end }}
{{- $_ := set $p "iothub.region-namespace-template" .Values.regions.namespaceTemplate }}
{{- $_ := set $p "iothub.watched-region-namespaces" (join "," .Values.regions.namespaces) }}
{{- range $id, $r := .Values.regions.overrides }}
{{- if $r.displayName }}
{{- $_ := set $p (printf "iothub.regions.\"%s\".display-name" $id) $r.displayName }}
{{- end }}
{{- if $r.pair }}
{{- $_ := set $p (printf "iothub.regions.\"%s\".pair" $id) $r.pair }}
{{- end }}
{{- if $r.namespace }}
{{- $_ := set $p (printf "iothub.regions.\"%s\".namespace" $id) $r.namespace }}
{{- end }}
{{- if $r.cluster }}
{{- $_ := set $p (printf "iothub.regions.\"%s\".cluster.kubeconfig-secret" $id) $r.cluster.kubeconfigSecret }}
{{- $_ := set $p (printf "iothub.regions.\"%s\".cluster.kubeconfig-key" $id) ($r.cluster.kubeconfigKey | default "kubeconfig") }}
{{- end }}
{{- end }}
{{- $_ := set $p "iothub.cluster-domain" .Values.clusterDomain }}
{{- $_ := set $p "iothub.retry-initial-delay" .Values.reconcile.retryInitialDelay }}
{{- $_ := set $p "iothub.retry-max-delay" .Values.reconcile.retryMaxDelay }}
{{- $_ := set $p "iothub.history-limit" (toString .Values.reconcile.historyLimit) }}
{{- /* int64 first: YAML numbers are floats to Helm, and toString would write 1.6777216e+07. */}}
{{- $_ := set $p "iothub.device-import.max-secret-bytes" (.Values.deviceImport.maxSecretBytes | int64 | toString) }}
{{- $_ := set $p "iothub.device-import.max-secret-lines" (.Values.deviceImport.maxSecretLines | int64 | toString) }}
{{- $_ := set $p "iothub.device-import.max-records" (.Values.deviceImport.maxRecords | int64 | toString) }}
{{- $_ := set $p "iothub.device-import.max-bytes" (.Values.deviceImport.maxBytes | int64 | toString) }}
{{- $_ := set $p "iothub.failover.max-failovers-per-window" (toString .Values.failover.maxFailoversPerWindow) }}
{{- $_ := set $p "iothub.failover.max-failbacks-per-window" (toString .Values.failover.maxFailbacksPerWindow) }}
{{- $_ := set $p "iothub.failover.quota-window" .Values.failover.quotaWindow }}
{{- $_ := set $p "iothub.failover.min-interval" .Values.failover.minInterval }}
{{- $_ := set $p "iothub.failover.step-deadline" .Values.failover.stepDeadline }}
{{- $_ := set $p "iothub.failover.replay-guard" .Values.failover.replayGuard }}
{{- $_ := set $p "iothub.leader-election.enabled" (toString .Values.leaderElection.enabled) }}
{{- $_ := set $p "iothub.leader-election.lease-name" (include "iothub-operator.leaseName" .) }}
{{- $_ := set $p "iothub.leader-election.lease-namespace" .Release.Namespace }}
{{- range $key, $value := .Values.extraProperties }}
{{- if hasKey $p $key }}
{{- fail (printf "extraProperties.%s: the chart sets this property from its values; change the value it comes from instead" $key) }}
{{- end }}
{{- $_ := set $p $key (toString $value) }}
{{- end }}
{{- toYaml $p }}
{{- end }}
