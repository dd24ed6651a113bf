#!/usr/bin/env bash
# Starts ftgo-edge on embedded defaults: the six FTGO stub providers (9081-9086), the dev
# identity provider (9090) and the three BFFs (mobile 8081, web 8082, public 8083; their
# actuator on 8091-8093). Builds first (skip with SKIP_BUILD=1), waits until everything is
# ready, prints what to try. Ctrl-C stops everything it started. Logs: .run-local/*.log
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

for port in 9081 9082 9083 9084 9085 9086 9090 8081 8082 8083 8091 8092 8093; do
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
for i in $(seq 1 120); do
  if ready http://localhost:9090/.well-known/openid-configuration \
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
  if [ "$i" = 120 ]; then echo; echo "Not ready after 120 s; see $logs/*.log" >&2; exit 1; fi
  echo -n "."
  sleep 1
done
echo " ready."

cat <<'EOF'

ftgo-edge is running on embedded defaults:
  bff-mobile :8081   bff-web :8082   bff-public :8083   (actuator :8091 :8092 :8093)
  stub providers :9081-9086   dev identity provider :9090

Try (paste into another shell):

  # a token for alice (consumer 1001; scopes web mobile)
  TOKEN=$(curl -s -X POST localhost:9090/oauth2/token -d grant_type=password -d username=alice -d password=password | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

  # web: the order page of 7001, composed from six providers
  curl -s -H "Authorization: Bearer $TOKEN" localhost:8082/api/web/orders/7001

  # web: degraded answers: 7901 slow delivery, 7902 kitchen 500, 7903 bill connection reset, 7904 malformed restaurant
  curl -s -H "Authorization: Bearer $TOKEN" localhost:8082/api/web/orders/7902

  # mobile: the status card (ETag; repeat with If-None-Match for a 304)
  curl -si -H "Authorization: Bearer $TOKEN" localhost:8081/api/mobile/orders/7001/status

  # public: the partner view with the demo API key of partner-ajanta (restaurant 501)
  curl -si -H "X-API-Key: demo-ajanta-key" localhost:8083/v1/orders/7001

  # bob may not see alice's order: 404
  BOB=$(curl -s -X POST localhost:9090/oauth2/token -d grant_type=password -d username=bob -d password=password | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -si -H "Authorization: Bearer $BOB" localhost:8082/api/web/orders/7001

  # the plan of a composition (actuator, management port)
  curl -s localhost:8092/actuator/compositions

  # GraphQL (web and mobile): the book's query; 7904's restaurant is null with a typed error
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' localhost:8082/graphql -d '{"query":"{ consumer(consumerId: 1001) { firstName lastName orders(first: 3) { orderId restaurant { name } } } }"}'
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' localhost:8081/graphql -d '{"query":"{ order(orderId: 7001) { state orderTotal restaurant { name } deliveryInfo { status estimatedDeliveryTime } } }"}'

  # the plan of a GraphQL query (actuator, management port)
  curl -s localhost:8092/actuator/graphql/order-page

Press Ctrl-C to stop everything.
EOF

wait
