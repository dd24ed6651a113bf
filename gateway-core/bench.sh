#!/usr/bin/env sh
# Per-link cost of the edge pipeline (JMH, in memory, no network). Not part of the build.
#   gateway-core/bench.sh                           # defaults below
#   gateway-core/bench.sh -f 1 ... EdgeLinkBenchmark  # any JMH options
# Run from the repository root. Builds test classes (with their sibling modules), then runs
# org.openjdk.jmh.Main on the test classpath with the GC profiler (bytes per request).
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl gateway-core -am test-compile dependency:build-classpath -Dspring-javaformat.skip=true \
	-Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="gateway-core/target/test-classes:gateway-core/target/classes:$(cat gateway-core/target/bench.classpath)"
if [ $# -eq 0 ]; then
	set -- -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc EdgeLinkBenchmark
fi
exec java -XX:+UseParallelGC -Xms1g -Xmx1g -cp "$CP" org.openjdk.jmh.Main "$@"
