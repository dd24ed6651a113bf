#!/usr/bin/env bash
# Starts ftgo-edge on embedded defaults: the six FTGO stub providers (9081-9086), the gRPC
# order provider (9087; its journal and faults over HTTP on 9187), the dev identity provider
# (9090) and the three BFFs (mobile 8081, web 8082, public 8083; their
# actuator on 8091-8093). Builds first (skip with SKIP_BUILD=1), waits until everything is
# ready (READY_SECONDS, default 120), prints what to try (run-local-examples.txt). Ctrl-C
# stops everything it started. Logs: .run-local/*.log
set -euo pipefail
cd "$(dirname "$0")"

version=0.1.0-SNAPSHOT
logs=.run-local
mkdir -p "$logs"

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "Building (./mvnw -q -B -DskipTests clean package; the first build downloads dependencies)..."
  # clean: an incremental package can leave a stale module jar nested in a repackaged BFF
  ./mvnw -q -B -DskipTests clean package
fi

for port in 9081 9082 9083 9084 9085 9086 9087 9187 9090 8081 8082 8083 8091 8092 8093; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: stop what runs there (another run-local.sh?) and try again." >&2
    exit 1
  fi
done

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

start() { # name, jar
  java -jar "$2" >"$logs/$1.log" 2>&1 &
  pids+=($!)
}

start stubs "stubs/target/stubs-${version}-exec.jar"
start bff-mobile "bff-mobile/target/bff-mobile-${version}.jar"
start bff-web "bff-web/target/bff-web-${version}.jar"
start bff-public "bff-public/target/bff-public-${version}.jar"

ready() { curl -fsS -o /dev/null "$1" 2>/dev/null; }
echo -n "Waiting for stubs, identity and the three BFFs"
ready_seconds=${READY_SECONDS:-120}
for i in $(seq 1 "$ready_seconds"); do
  if ready http://localhost:9090/.well-known/openid-configuration \
    && ready http://localhost:9187/__admin/requests \
    && ready http://localhost:8091/actuator/health/readiness \
    && ready http://localhost:8092/actuator/health/readiness \
    && ready http://localhost:8093/actuator/health/readiness; then
    break
  fi
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo; echo "A process exited early; see $logs/*.log:" >&2
      tail -n 20 "$logs"/*.log >&2
      exit 1
    fi
  done
  if [ "$i" = "$ready_seconds" ]; then echo; echo "Not ready after $ready_seconds tries (READY_SECONDS); see $logs/*.log" >&2; exit 1; fi
  echo -n "."
  sleep 1
done
echo " ready."

cat <<'EOF'

ftgo-edge is running on embedded defaults:
  bff-mobile :8081   bff-web :8082   bff-public :8083   (actuator :8091 :8092 :8093)
  stub providers :9081-9086   dev identity provider :9090
  gRPC order provider :9087 (journal and faults: http://localhost:9187/__admin/requests)

The web app: open http://localhost:8082/ in a browser and sign in as alice / password
(also bob, carol, dave). Open order 7001 (six fresh parts) and 7902 (the kitchen ticket
marked unavailable); see README.md, "The web app".

Try (paste into another shell):

EOF
# The examples are run-local-examples.txt; .ci/run-local-smoke.sh runs the same lines.
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    '##'*) ;;
    '#'*) echo "  $line" ;;
    '') echo ;;
    *) echo "  ${line#*: }" ;;
  esac
done < run-local-examples.txt
echo
echo "Press Ctrl-C to stop everything."

wait
