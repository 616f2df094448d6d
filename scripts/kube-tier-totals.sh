#!/usr/bin/env bash
# Prints the totals of the real-API tier (*KubeIT) from the failsafe reports of the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
reports=(target/failsafe-reports/TEST-*KubeIT.xml)
if [ ${#reports[@]} -eq 0 ]; then
  echo "Real-API tier (*KubeIT): no reports (the build stopped before the integration tests)"
  exit 0
fi
python3 - "${reports[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
t = f = e = s = 0
secs = 0.0
for path in sys.argv[1:]:
    r = ET.parse(path).getroot()
    t += int(r.get("tests", 0)); f += int(r.get("failures", 0))
    e += int(r.get("errors", 0)); s += int(r.get("skipped", 0)); secs += float(r.get("time", 0))
print(f"Real-API tier (*KubeIT, {len(sys.argv) - 1} classes, {secs:.0f} s): "
      f"{t - f - e - s} passed, {f + e} failed, {s} skipped")
PY
