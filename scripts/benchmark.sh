#!/usr/bin/env bash
# Benchmarks, not part of the test suite. Each prints a Markdown table of medians.
#   scripts/benchmark.sh failover [devices=100000] [runs=5]   a whole failover, request to Succeeded
#   scripts/benchmark.sh scale kube|mock [sizes=10000,100000,1000000] [runs=3] [restart|attempt=M]   a hub at
#       size on a real kube-apiserver (operator jar, -Xmx512m) or the embedded one: import,
#       failovers with the mirror current, a cold copy against the raw write rate, the operator's
#       heap; with restart (kube), a kill in the middle of a cold failover; with attempt=M, only an
#       import of the first size for at most M minutes, its progress each minute (5,000,000 devices)
#   scripts/benchmark.sh registry [sizes=1000,10000,100000] [runs=5]   register, migrate, render
#   scripts/benchmark.sh mosquitto [sizes=1000000] [runs=3]   real mosquitto loading and reloading
#       a password file of that many devices; the dynamic-security plugin too if installed
#   scripts/benchmark.sh hubs kube|mock [hubs=1000] [devices=100] [idleSeconds=120] [runs=3]   many hubs in
#       one operator (real kube-apiserver with the operator jar at -Xmx512m, or the embedded one):
#       time to Ready, heap, idle API requests and writes per minute, one hub's failover
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-failover}
shift || true
case "$which" in
  failover) main=dev.iothub.bench.FailoverBenchmark ;;
  scale) main=dev.iothub.bench.ScaleBenchmark ;;
  registry) main=dev.iothub.bench.RegistryBenchmark ;;
  mosquitto) main=dev.iothub.bench.MosquittoBenchmark ;;
  hubs) main=dev.iothub.bench.ManyHubsBenchmark ;;
  *) echo "usage: scripts/benchmark.sh failover|scale|registry|mosquitto|hubs [args]" >&2; exit 2 ;;
esac
# scale and hubs run the packaged operator jar (on a real API server), so they package too.
goal=test-compile
case "$which" in scale | hubs) goal=package ;; esac
mvn -q -B -DskipTests -Dspotless.check.skip=true "$goal" dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx4g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" "$main" "$@"
