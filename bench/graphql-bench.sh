#!/usr/bin/env bash
# GraphQL against REST composition: the bff-web jar answers the order page both ways in one
# run, one JVM, the same flags, in front of the same providers (nginx serving the stub
# seed answers of order 7001 as static JSON). Not a test: figures go into
# docs/graphql-or-rest.md.
#
#   ./mvnw -q -B -DskipTests package          # once: bff-web and stubs jars
#   bench/graphql-bench.sh
#   ROUNDS=7 DURATION=20 CONNECTIONS=64 bench/graphql-bench.sh
#
# Needs: wrk, nginx, taskset, curl (Debian: apt-get install wrk nginx util-linux curl), a JDK.
# CPU 0 runs the gateway JVM (ParallelGC, one Netty worker, set explicitly); CPU 1 runs
# nginx, the identity provider and wrk. Loopback only, ports 18080-18092 and 19090/19181-19186
# (no demo port); every run is bounded and the script stops everything it started.
#
#   rest     GET /api/web/orders/7001: the composed order page (six providers)
#   graphql  POST /graphql with the query that selects the order page's fields
#            (the same six provider calls, planned and checked per request)
# Targets: graphql throughput >= 0.8 x rest, graphql p50 <= 1.2 x rest.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15}
WARMUP=${WARMUP:-40}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-32}
version=0.1.0-SNAPSHOT
jar=${GATEWAY_JAR:-bff-web/target/bff-web-${version}.jar}
stubs_jar=stubs/target/stubs-${version}-exec.jar
for tool in wrk nginx taskset curl java; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install wrk nginx util-linux curl)" >&2; exit 1; }
done
[ -f "$jar" ] && [ -f "$stubs_jar" ] || { echo "build first: ./mvnw -q -B -DskipTests package" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  nginx -p "$work" -c providers.conf -s stop 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/logs"

wait_for() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "not up: $1" >&2; return 1; }

# The stubs: the identity provider for tokens, and the seed answers nginx will serve.
taskset -c 1 java -jar "$stubs_jar" --identity-port=19090 --order-port=19181 --kitchen-port=19182 \
  --delivery-port=19183 --accounting-port=19184 --consumer-port=19185 --restaurant-port=19186 \
  >"$work/logs/stubs.log" 2>&1 &
pids+=($!)
wait_for http://localhost:19090/.well-known/openid-configuration
wait_for http://127.0.0.1:19181/orders/7001

locations=""
for call in 19181:/orders/7001 19182:/tickets/7001 19183:/deliveries/7001 19184:/bills/7001 \
  19185:/consumers/1001 19186:/restaurants/501; do
  port=${call%%:*} path=${call#*:}
  body=$(curl -fsS "http://127.0.0.1:$port$path")
  case "$body" in *"'"*|*'$'*) echo "cannot serve $path statically: quote or dollar in body" >&2; exit 1;; esac
  locations+="    location = $path { default_type application/json; return 200 '$body'; }"$'\n'
done
cat >"$work/providers.conf" <<CONF
worker_processes 1;
pid $work/providers.pid;
error_log $work/logs/providers-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:18080;
$locations  }
}
CONF
taskset -c 1 nginx -p "$work" -c providers.conf
wait_for http://127.0.0.1:18080/orders/7001

providers=()
for p in order kitchen delivery accounting consumer restaurant; do
  providers+=(--edge.providers.$p.url=http://127.0.0.1:18080)
done
jvm=(-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)
taskset -c 0 java "${jvm[@]}" -jar "$jar" "${providers[@]}" \
  --server.port=18082 --management.server.port=18092 --logging.level.io.ftgo.edge.access=WARN \
  --edge.security.jwt.issuer-uri=http://localhost:19090 \
  --edge.rate-limit.tiers.default.limit=10000000 --edge.graphql.rate-limit-cost-per-token=0 \
  >"$work/logs/gateway.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:18092/actuator/health/readiness || { tail -n 30 "$work/logs/gateway.log" >&2; exit 1; }

token=$(curl -s -X POST localhost:19090/oauth2/token -d grant_type=password -d username=alice -d password=password \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
query='query { order(orderId: 7001) { orderId state orderTotal consumerId createdAt lineItems { menuItemId name quantity price } deliveryAddress { street1 city state zip } ticket { id state readyBy acceptTime preparingTime readyForPickupTime pickedUpTime } deliveryInfo { status assignedCourier courierActions { type } estimatedDeliveryTime courierLocation { lat lng } } bill { state amount paymentMethod { brand last4 } } restaurant { id name address { street1 city state zip } } consumer { firstName lastName } } }'
cat >"$work/graphql.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"query":"$query"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA

# Both answers must be complete before anything is measured.
curl -fsS -H "Authorization: Bearer $token" http://127.0.0.1:18082/api/web/orders/7001 | grep -q '"complete":true' \
  || { echo "REST order page not complete" >&2; exit 1; }
graphql=$(curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"query\":\"$query\"}" http://127.0.0.1:18082/graphql)
case "$graphql" in *'"errors"'*|*'"degraded"'*) echo "GraphQL answer not complete: $graphql" >&2; exit 1;; esac

ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else print v * 1000 }'; }

run() { # name round, then wrk arguments: one DURATION-second window
  local name=$1 round=$2; shift 2
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" >"$work/$name-$round.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name-$round.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/$name-$round.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$name-$round.txt")
  printf '  round %d %-8s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$round" "$name" "$rps" "$p50" "$p99" \
    "$(awk '/Non-2xx/ {print $5}' "$work/$name-$round.txt" | grep . || echo 0)"
  echo "$rps $(ms "$p50")" >"$work/$name-$round.val"
}

rest=(-H "Authorization: Bearer $token" http://127.0.0.1:18082/api/web/orders/7001)
gql=(-s "$work/graphql.lua" http://127.0.0.1:18082/graphql)
echo "gateway on CPU 0; nginx providers, identity and wrk on CPU 1; $CONNECTIONS connections"
echo "warm-up ${WARMUP}s each, then $ROUNDS rounds of one ${DURATION}s window each, alternating (the machine's noise hits both alike); medians"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "${rest[@]}" >/dev/null
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "${gql[@]}" >/dev/null
for ((round = 1; round <= ROUNDS; round++)); do
  run rest "$round" "${rest[@]}"
  run graphql "$round" "${gql[@]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= ROUNDS; round++)); do
  paste "$work/rest-$round.val" "$work/graphql-$round.val"
done | awk -v rounds="$ROUNDS" '
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { n++; rr[n] = $1; rp[n] = $2; gr[n] = $3; gp[n] = $4; tr[n] = $3 / $1; tp[n] = $4 / $2 }
  END {
    printf "median rest    %10.1f req/s   p50 %7.2f ms\n", median(rr, n), median(rp, n)
    printf "median graphql %10.1f req/s   p50 %7.2f ms\n", median(gr, n), median(gp, n)
    printf "graphql / rest throughput = %.2f  (median of per-round ratios; target >= 0.80)\n", median(tr, n)
    printf "graphql / rest p50        = %.2f  (median of per-round ratios; target <= 1.20)\n", median(tp, n)
  }'
