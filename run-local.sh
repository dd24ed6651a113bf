#!/usr/bin/env bash
# Starts ftgo-edge on embedded defaults: the six FTGO stub providers (9081-9086), the gRPC
# order provider (9087; its journal and faults over HTTP on 9187), the dev identity provider
# (9090) and the three BFFs (mobile 8081, web 8082, public 8083; their
# actuator on 8091-8093). Builds first (skip with SKIP_BUILD=1), waits until everything is
# ready (READY_SECONDS, default 120), prints what to try (run-local-examples.txt). Ctrl-C
# stops everything it started. Logs: .run-local/*.log
#
# IDP=authorization-server ./run-local.sh: the BFFs trust Spring Authorization Server
# instead (stubs/authorization-server, on 9000, issuer http://localhost:9000): sign in to
# the web app on its login form; partners get client-credentials tokens from it.
set -euo pipefail
cd "$(dirname "$0")"

version=0.1.0-SNAPSHOT
logs=.run-local
mkdir -p "$logs"
idp=${IDP:-dev}
case "$idp" in
  dev) issuer=http://localhost:9090; ports_idp= ;;
  authorization-server) issuer=http://localhost:9000; ports_idp=9000 ;;
  *) echo "IDP=$idp: expected dev (the default) or authorization-server" >&2; exit 1 ;;
esac

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "Building (./mvnw -q -B -DskipTests clean package; the first build downloads dependencies)..."
  # clean: an incremental package can leave a stale module jar nested in a repackaged BFF
  ./mvnw -q -B -DskipTests clean package
fi

for port in 9081 9082 9083 9084 9085 9086 9087 9187 9090 8081 8082 8083 8091 8092 8093 $ports_idp; do
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

start() { # name, jar, arguments...
  local name=$1 jar=$2
  shift 2
  java -jar "$jar" "$@" >"$logs/$name.log" 2>&1 &
  pids+=($!)
}

start stubs "stubs/target/stubs-${version}-exec.jar"
bff_args=()
if [ "$idp" = authorization-server ]; then
  start authorization-server "stubs/authorization-server/target/authorization-server-${version}.jar"
  bff_args=(--edge.security.jwt.issuer-uri="$issuer")
fi
start bff-mobile "bff-mobile/target/bff-mobile-${version}.jar" ${bff_args[@]+"${bff_args[@]}"}
start bff-web "bff-web/target/bff-web-${version}.jar" ${bff_args[@]+"${bff_args[@]}"}
start bff-public "bff-public/target/bff-public-${version}.jar" ${bff_args[@]+"${bff_args[@]}"}

ready() { curl -fsS -o /dev/null "$1" 2>/dev/null; }
echo -n "Waiting for stubs, identity and the three BFFs"
ready_seconds=${READY_SECONDS:-120}
for i in $(seq 1 "$ready_seconds"); do
  if ready http://localhost:9090/.well-known/openid-configuration \
    && ready "$issuer/.well-known/openid-configuration" \
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
if [ "$idp" = authorization-server ]; then
  cat <<'EOF'
  The BFFs trust Spring Authorization Server (http://localhost:9000), not the dev identity
  provider: the web app at http://localhost:8082/ signs in on its login form (alice / password).

  # a partner's client-credentials token (ask for the scope: none is granted otherwise)
  PARTNER=$(curl -s -u partner-ajanta:ajanta-secret localhost:9000/oauth2/token -d grant_type=client_credentials -d scope=partner | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -si -H "Authorization: Bearer $PARTNER" localhost:8083/v1/orders/7001

  # rotate the signing key (a new kid; the old one stays published)
  curl -s -u key-admin:key-admin-secret -X POST localhost:9000/admin/keys/rotate
  curl -s localhost:9000/oauth2/jwks

  (stubs/authorization-server/README.md: clients, users, claims, the admin API)
EOF
else
# The examples are run-local-examples.txt; .ci/run-local-smoke.sh runs the same lines.
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    '##'*) ;;
    '#'*) echo "  $line" ;;
    '') echo ;;
    *) echo "  ${line#*: }" ;;
  esac
done < run-local-examples.txt
fi
echo
echo "Press Ctrl-C to stop everything."

wait
