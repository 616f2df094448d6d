#!/usr/bin/env bash
# Prints the kubeconfig with which the operator of another cluster reads this one: the token of the
# chart's read-only peer-reader ServiceAccount (installed with peerReader.enabled=true), the API
# server and CA of kubectl's current context. Give the output to the other cluster as a Secret:
#
#   scripts/peer-kubeconfig.sh --context east > east.kubeconfig
#   kubectl --context west -n iothub-system create secret generic east-kubeconfig \
#     --from-file=kubeconfig=east.kubeconfig
#
# Usage: scripts/peer-kubeconfig.sh [--context CTX] [--namespace NS] [--secret NAME] [--name NAME]
#   --context CTX   kubectl context of the cluster to be read (default: the current one)
#   --namespace NS  the operator's release namespace (default iothub-system)
#   --secret NAME   the peer-reader token Secret (default iothub-operator-peer-reader-token, the
#                   chart's name for release iothub-operator)
#   --name NAME     the cluster's name in the kubeconfig, which the other side's status shows
#                   (default: the context's name)
#   --server URL    the API server as the other cluster reaches it (default: the context's)
# Needs kubectl. The kubeconfig holds a token: keep it out of files others can read.
set -euo pipefail

context=""; namespace=iothub-system; secret=iothub-operator-peer-reader-token; name=""; server=""
while [ $# -gt 0 ]; do
  case "$1" in
    --context) context="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    --secret) secret="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
KUBECTL=${KUBECTL:-kubectl}
ctx=(); [ -n "$context" ] && ctx=(--context "$context")
[ -n "$name" ] || name=$("$KUBECTL" "${ctx[@]}" config view --minify -o jsonpath='{.contexts[0].name}')
[ -n "$server" ] || server=$("$KUBECTL" "${ctx[@]}" config view --minify -o jsonpath='{.clusters[0].cluster.server}')

token=""
for _ in $(seq 1 50); do
  token=$("$KUBECTL" "${ctx[@]}" -n "$namespace" get secret "$secret" -o jsonpath='{.data.token}' 2>/dev/null || true)
  [ -n "$token" ] && break
  sleep 0.2 # the token controller fills the Secret a moment after it is created
done
if [ -z "$token" ]; then
  echo "peer-kubeconfig.sh: Secret $namespace/$secret has no token. Install the chart in this cluster with peerReader.enabled=true." >&2
  exit 1
fi
ca=$("$KUBECTL" "${ctx[@]}" -n "$namespace" get secret "$secret" -o jsonpath='{.data.ca\.crt}')
cat <<K
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster: {server: "$server", certificate-authority-data: $ca}
users:
- name: $name-peer-reader
  user: {token: $(printf '%s' "$token" | base64 -d)}
contexts:
- name: $name
  context: {cluster: $name, user: $name-peer-reader}
current-context: $name
K
