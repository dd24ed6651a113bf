#!/usr/bin/env bash
# Starts ftgo-edge on embedded defaults: the FTGO stub providers (9081-9086) and the dev
# identity provider (9090). Builds first if needed. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"

version=0.1.0-SNAPSHOT
stubs_jar="stubs/target/stubs-${version}-exec.jar"

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "Building (./mvnw -q -DskipTests package)..."
  ./mvnw -q -B -DskipTests package
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

java -jar "$stubs_jar" &
pids+=($!)
wait
