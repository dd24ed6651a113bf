#!/usr/bin/env bash
# bench/freshness.sh: stale-while-revalidate on a hot part of the order page (bff-web),
# open loop at a constant rate. Three endpoints of one edge, measured one after the other:
#
#   swr         GET /api/web/orders/{id}         the shipped order page; its restaurant part
#                                                has freshness (refresh-after 30s, serve-stale-for 5m)
#   no-swr      GET /api/web/orders-noswr/{id}   the same six parts, restaurant without freshness
#   no-part     GET /api/web/orders-lite/{id}    the same page without the restaurant part
#
# Providers are the bench tools' delayed providers (Reactor Netty): every provider answers
# after 20 ms, the restaurant (the hot part: every order names restaurant 501) after 80 ms.
# A different order id on every request, so only the restaurant part can be served from a
# cache. Figures: p50/p99 of each endpoint and restaurant provider calls per client request.
# Targets: p50(swr) ≈ p50(no-part); restaurant calls per request (swr) < 0.1.
#
# Needs (Debian): apt-get install util-linux procps curl  and a JDK 17+. Builds the jars
# unless SKIP_BUILD=1. Ports 20100-20199 only; CPU 0 runs the edge, CPU 1 the providers,
# the identity provider and the load generator (as bench/run.sh does). Writes nothing
# outside a temporary directory; prints a Markdown table for docs/freshness.md.
#
#   bench/freshness.sh                     # 100 req/s, 20 s warm-up, 60 s per endpoint
#   RATE=100 WARMUP=10 DURATION=30 SKIP_BUILD=1 bench/freshness.sh
#   PIN=0 bench/freshness.sh               # no CPU pinning (a machine shared with other pinned work)
#
# Before measuring, each endpoint gets a JIT warm-up at a fifth of the rate (PREWARM
# seconds), so a cold JVM does not start the measured run with a queue.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-100}
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-60}
HOT_DELAY=${HOT_DELAY:-80ms}
DELAY=${DELAY:-20ms}
PREWARM=${PREWARM:-30}
if [ "${PIN:-1}" = 1 ]; then cpu0=(taskset -c 0); cpu1=(taskset -c 1); else cpu0=(); cpu1=(); fi
JVM=(-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)

for tool in curl java; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install util-linux procps curl; a JDK 17+)" >&2; exit 1; }
done

. bench/lib.sh
bench_build
bench_workdir

edge=20100 edge_mgmt=20101 identity=20190
declare -A provider_port=([order]=20181 [kitchen]=20182 [delivery]=20183 [accounting]=20184 [consumer]=20185 [restaurant]=20186)
ports=""; urls=()
for id in "${!provider_port[@]}"; do
  ports+="$id:${provider_port[$id]},"
  urls+=("--edge.providers.$id.url=http://127.0.0.1:${provider_port[$id]}")
done
ports=${ports%,}

wait_for() { for _ in $(seq 1 180); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "not up: $1" >&2; return 1; }

# The identity provider (the stubs jar also starts WireMock providers; they are unused here).
"${cpu1[@]}" java -Xmx256m -jar "$stubs_jar" --identity-port=$identity --order-port=20191 --kitchen-port=20192 \
  --delivery-port=20193 --accounting-port=20194 --consumer-port=20195 --restaurant-port=20196 \
  >"$work/logs/identity.log" 2>&1 &
pids+=($!)
"${cpu1[@]}" java -Xmx256m -jar "$tools_jar" providers --seeds=stubs/src/main/resources/wiremock --ports="$ports" \
  --delay="order:$DELAY,kitchen:$DELAY,delivery:$DELAY,accounting:$DELAY,consumer:$DELAY,restaurant:$HOT_DELAY" \
  >"$work/logs/providers.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:${provider_port[order]}/__calls"
wait_for "http://localhost:$identity/.well-known/openid-configuration"
token=$(curl -s -X POST "localhost:$identity/oauth2/token" -d grant_type=password -d username=alice -d password=password \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

# Two more compositions next to the shipped order page: the same parts with the restaurant
# part without freshness (no-swr), and without the restaurant part (no-part).
variant() { # name path with-restaurant
  local c="--edge.compositions.$1"
  local a=("$c.request=GET $2/{orderId}" "$c.parameters.orderId=id" "$c.timeout=2s"
    "$c.authorize=order.consumerId == principal.consumerId"
    "$c.parts.order.from=order" "$c.parts.order.get=/orders/{orderId}" "$c.parts.order.required=true"
    "$c.parts.ticket.from=kitchen" "$c.parts.ticket.get=/tickets/{order.orderId}"
    "$c.parts.delivery.from=delivery" "$c.parts.delivery.get=/deliveries/{order.orderId}"
    "$c.parts.bill.from=accounting" "$c.parts.bill.get=/bills/{order.orderId}"
    "$c.parts.consumer.from=consumer" "$c.parts.consumer.get=/consumers/{order.consumerId}"
    "--edge.endpoints.$1.metadata=body")
  if [ "$3" = 1 ]; then
    a+=("$c.parts.restaurant.from=restaurant" "$c.parts.restaurant.get=/restaurants/{order.restaurantId}")
  fi
  printf '%s\n' "${a[@]}"
}
mapfile -t extra < <(variant order-page-noswr /api/web/orders-noswr 1; variant order-page-lite /api/web/orders-lite 0)

"${cpu0[@]}" java "${JVM[@]}" -jar "$web_jar" --server.port=$edge --management.server.port=$edge_mgmt \
  --edge.security.jwt.issuer-uri=http://localhost:$identity --logging.level.io.ftgo.edge.access=WARN \
  --edge.rate-limit.tiers.default.limit=10000000 --edge.rate-limit.tiers.default.window=1s \
  "${urls[@]}" "${extra[@]}" >"$work/logs/edge.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$edge_mgmt/actuator/health/readiness" || { tail -n 40 "$work/logs/edge.log" >&2; exit 1; }

calls() { curl -s "http://127.0.0.1:${provider_port[restaurant]}/__calls" | sed -E 's/.*"restaurant":([0-9]+).*/\1/'; }
declare -A line per_request
prewarm() { # path
  "${cpu1[@]}" java -Xmx512m -jar "$tools_jar" load --label=prewarm --url="http://127.0.0.1:$edge$1/{id}" \
    --ids=10000-99999 --rate=$((RATE / 5 > 0 ? RATE / 5 : 1)) --duration="${PREWARM}s" \
    --header="Authorization: Bearer $token" 2>>"$work/logs/load.log" >/dev/null
}
measure() { # name path
  curl -s -o /dev/null -X POST "http://127.0.0.1:${provider_port[restaurant]}/__reset" || true
  local before after
  # The load tool warms up, then measures; restaurant calls are counted over both and
  # divided by the requests of both (the rate is constant).
  before=$(calls)
  line[$1]=$("${cpu1[@]}" java -Xmx512m -jar "$tools_jar" load --label="$1" \
    --url="http://127.0.0.1:$edge$2/{id}" --ids=10000-99999 --rate="$RATE" \
    --warmup="${WARMUP}s" --duration="${DURATION}s" --header="Authorization: Bearer $token" 2>>"$work/logs/load.log")
  after=$(calls)
  per_request[$1]=$(awk -v n=$((after - before)) -v r="$RATE" -v s=$((WARMUP + DURATION)) 'BEGIN { printf "%.4f", n / (r * s) }')
  echo "  ${line[$1]} restaurant-calls-per-request=${per_request[$1]}"
}
field() { sed -E "s/.* $2=([0-9.]+).*/\1/" <<<"${line[$1]}"; }

echo "== freshness: $RATE req/s open loop, ${WARMUP}s warm-up + ${DURATION}s per endpoint"
for path in /api/web/orders /api/web/orders-noswr /api/web/orders-lite; do prewarm "$path"; done
measure swr /api/web/orders
measure no-swr /api/web/orders-noswr
measure no-part /api/web/orders-lite

cat <<EOF

Order page on bff-web, $RATE requests/s open loop (bench/tools \`load\`: constant arrival rate),
${WARMUP} s warm-up then ${DURATION} s measured per endpoint, a different order id per request.
Providers answer after $DELAY, the restaurant (restaurant 501 for every order) after $HOT_DELAY.
$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(uname -m)), $([ "${PIN:-1}" = 1 ] && echo "edge pinned to CPU 0, load and providers to CPU 1" || echo "no CPU pinning"); JIT warm-up ${PREWARM} s per endpoint at $((RATE / 5)) req/s.

| endpoint | p50 ms | p90 ms | p99 ms | 2xx / sent | restaurant calls per request |
|---|---|---|---|---|---|
| order page, restaurant with SWR (\`swr\`) | $(field swr p50) | $(field swr p90) | $(field swr p99) | $(field swr 2xx) / $(field swr sent) | ${per_request[swr]} |
| order page, restaurant without SWR (\`no-swr\`) | $(field no-swr p50) | $(field no-swr p90) | $(field no-swr p99) | $(field no-swr 2xx) / $(field no-swr sent) | ${per_request[no-swr]} |
| order page without the restaurant part (\`no-part\`) | $(field no-part p50) | $(field no-part p90) | $(field no-part p99) | $(field no-part 2xx) / $(field no-part sent) | ${per_request[no-part]} |

Targets: p50(swr) ≈ p50(no-part) (ratio $(awk -v a="$(field swr p50)" -v b="$(field no-part p50)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }')); restaurant calls per request with SWR < 0.1.
EOF
