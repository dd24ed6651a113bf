#!/usr/bin/env sh
# Engine overhead benchmark (JMH, in-memory sources, no network). Not part of the build.
#   composition/bench.sh                      # defaults below
#   composition/bench.sh -p parts=5 -f 1 ...  # any JMH options
# Run from the repository root. Builds test classes (with the stubs module), then runs
# org.openjdk.jmh.Main on the test classpath with the GC profiler.
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl composition -am test-compile dependency:build-classpath -Dspring-javaformat.skip=true \
	-Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="composition/target/test-classes:composition/target/classes:$(cat composition/target/bench.classpath)"
# Parallel GC stated explicitly (a 2-core box may otherwise pick a different collector).
if [ $# -eq 0 ]; then
	set -- -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc CompositionBenchmark
fi
exec java -XX:+UseParallelGC -Xms1g -Xmx1g -cp "$CP" org.openjdk.jmh.Main "$@"
