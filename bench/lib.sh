# bench/lib.sh: what bench/freshness.sh, bench/tails.sh and bench/overload.sh share. Sourced
# from the project root: the jars, the build (unless SKIP_BUILD=1), a work directory, and a
# trap that stops every process in $pids (KEEP=1 keeps the work directory).

version=0.1.0-SNAPSHOT
web_jar=bff-web/target/bff-web-$version.jar
stubs_jar=stubs/target/stubs-$version-exec.jar
tools_jar=bench/tools/target/bench-tools-$version.jar

bench_build() {
  if [ "${SKIP_BUILD:-}" != 1 ]; then
    echo "Building bff-web, the stubs and the benchmark tools..."
    # clean: an incremental package can leave a stale module jar nested in a repackaged BFF
    ./mvnw -q -B -DskipTests clean package -pl bff-web,stubs -am
    ./mvnw -q -B -f bench/pom.xml -DskipTests package -pl tools
  fi
  for jar in "$web_jar" "$stubs_jar" "$tools_jar"; do
    [ -f "$jar" ] || { echo "missing $jar: run without SKIP_BUILD=1" >&2; exit 1; }
  done
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}

bench_workdir() {
  work=$(mktemp -d)
  mkdir -p "$work/logs"
  pids=()
  trap bench_cleanup EXIT INT TERM
}
