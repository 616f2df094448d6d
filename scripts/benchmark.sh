#!/usr/bin/env bash
# Runs the failover benchmark: scripts/benchmark.sh [devices=100000] [runs=5]
# Not part of the test suite. Prints a Markdown table of medians.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx4g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  dev.iothub.bench.FailoverBenchmark "$@"
