#!/usr/bin/env bash
# Proxy throughput: the ftgo-edge gateway against nginx proxy_pass, in one run, both in
# front of the same nginx static backend. Not a test: figures go into the issue note.
#
#   gateway-core/bench/proxy-bench.sh            # after ./mvnw -q -DskipTests clean package
#   DURATION=30 CONNECTIONS=64 gateway-core/bench/proxy-bench.sh
#
# Needs: wrk, nginx, taskset (Debian: apt-get install wrk nginx util-linux), a JDK.
# CPU 0 runs the proxy under test (nginx with one worker, or the gateway JVM with one
# Netty worker and ParallelGC on one CPU, set explicitly: shared/STACK.md gotcha 14);
# CPU 1 runs the backend, the identity provider and wrk. Loopback only; every run is
# bounded (WARMUP + WINDOWS x DURATION per run) and the script stops everything it started.
#
# Five runs, each measured at steady state (see measure below):
#   nginx      nginx proxy_pass, upstream keep-alive (gotcha 15)
#   netty      a bare Reactor Netty proxy, no Spring (bench/baseline, --raw): the ceiling
#              of the runtime the gateway is built on
#   scg        Spring Cloud Gateway alone, same route, nothing of the edge (bench/baseline)
#   gateway    the bff-web jar, a plain proxied route: no authentication, no rate limit
#   gateway+   the same route behind JWT validation and the rate limiter (limit high
#              enough that nothing is refused: this measures their cost, not 429s)
# The JVMs all get the same flags. The baselines are built here, outside the reactor.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-60}
WINDOWS=${WINDOWS:-8}
CONNECTIONS=${CONNECTIONS:-64}
version=0.1.0-SNAPSHOT
jar=${GATEWAY_JAR:-bff-web/target/bff-web-${version}.jar}
stubs_jar=stubs/target/stubs-${version}-exec.jar
for tool in wrk nginx taskset curl java; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install wrk nginx util-linux curl)" >&2; exit 1; }
done
[ -f "$jar" ] && [ -f "$stubs_jar" ] || { echo "build first: ./mvnw -q -DskipTests clean package" >&2; exit 1; }
baseline_jar=gateway-core/bench/baseline/target/proxy-baseline-${version}.jar
./mvnw -q -B -f gateway-core/bench/baseline/pom.xml -DskipTests package

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  nginx -p "$work" -c backend.conf -s stop 2>/dev/null || true
  nginx -p "$work" -c proxy.conf -s stop 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

body='{"orderId":7001,"state":"APPROVED","orderTotal":"61.70","consumerId":1001,"restaurantId":501}'
mkdir -p "$work/logs"
cat >"$work/backend.conf" <<EOF
worker_processes 1;
pid $work/backend.pid;
error_log $work/logs/backend-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:18080;
    location / { default_type application/json; return 200 '$body'; }
  }
}
EOF
cat >"$work/proxy.conf" <<EOF
worker_processes 1;
pid $work/proxy.pid;
error_log $work/logs/proxy-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  upstream backend { server 127.0.0.1:18080; keepalive 128; }
  server {
    listen 127.0.0.1:18081;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF

taskset -c 1 nginx -p "$work" -c backend.conf
taskset -c 0 nginx -p "$work" -c proxy.conf

# Identity provider for the JWT run, on ports no demo uses.
taskset -c 1 java -jar "$stubs_jar" --identity-port=19090 --order-port=19181 --kitchen-port=19182 \
  --delivery-port=19183 --accounting-port=19184 --consumer-port=19185 --restaurant-port=19186 \
  >"$work/logs/stubs.log" 2>&1 &
pids+=($!)

wait_for() { for _ in $(seq 1 90); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "not up: $1" >&2; return 1; }

jvm=(-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)
route=(--spring.cloud.gateway.server.webflux.routes[0].id=bench
  --spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:18080
  --spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/bench/**
  --server.port=18082 --management.server.port=18092
  --logging.level.io.ftgo.edge.access=WARN
  --edge.security.jwt.issuer-uri=http://localhost:19090)

start_gateway() { # extra args...
  taskset -c 0 java "${jvm[@]}" -jar "$jar" "${route[@]}" "$@" >"$work/logs/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
  wait_for http://127.0.0.1:18092/actuator/health/readiness || { tail -n 30 "$work/logs/gateway.log" >&2; exit 1; }
}
start_baseline() { # args...
  taskset -c 0 java "${jvm[@]}" -jar "$baseline_jar" "$@" >"$work/logs/baseline.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
  wait_for http://127.0.0.1:18082/bench/orders/7001 || { tail -n 30 "$work/logs/baseline.log" >&2; exit 1; }
}
stop_gateway() { kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; }

measure() { # name url [header]
  # Warm up, then measure DURATION-second windows until two in a row agree within 3%
  # (at most WINDOWS): with one CPU the JIT competes with the load for a long time, and
  # the longer gateway+ path keeps speeding up well after the plain route has settled.
  local name=$1 url=$2 header=${3:-X-Bench: 1}
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "$header" "$url" >/dev/null
  local rps p99 non2xx previous=0 window
  for ((window = 1; window <= WINDOWS; window++)); do
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$header" "$url" >"$work/$name.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.txt")
    awk -v a="$rps" -v b="$previous" 'BEGIN { exit !(b > 0 && a <= b * 1.03 && a >= b * 0.97) }' && break
    previous=$rps
  done
  ((window > WINDOWS)) && window="$WINDOWS, not settled"
  p99=$(awk '$1=="99%" {print $2}' "$work/$name.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$name.txt")
  printf '%-10s %12s req/s   p99 %8s   non-2xx %s   (window %s)\n' "$name" "$rps" "$p99" "${non2xx:-0}" "$window"
  eval "rps_${name//+/_plus}=$rps"
}

wait_for http://127.0.0.1:18080/bench
wait_for http://localhost:19090/.well-known/openid-configuration
echo "proxy on CPU 0; backend, identity and wrk on CPU 1; $CONNECTIONS connections; ${WARMUP}s warm-up, then ${DURATION}s windows until two agree within 3% (at most $WINDOWS); the last one counts"

measure nginx http://127.0.0.1:18081/bench/orders/7001

start_baseline --raw=18082 --upstream=http://127.0.0.1:18080
measure netty http://127.0.0.1:18082/bench/orders/7001
stop_gateway

start_baseline "${route[@]:0:3}" --server.port=18082
measure scg http://127.0.0.1:18082/bench/orders/7001
stop_gateway

start_gateway --edge.rate-limit.enabled=false --edge.security.rules[0].path=/bench/** \
  --edge.security.rules[0].permit-all=true
measure gateway http://127.0.0.1:18082/bench/orders/7001
stop_gateway

token=$(curl -s -X POST localhost:19090/oauth2/token -d grant_type=password -d username=alice -d password=password \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
start_gateway --edge.rate-limit.enabled=true --edge.rate-limit.tiers.default.limit=10000000 \
  --edge.rate-limit.tiers.default.window=1s --edge.security.rules[0].path=/bench/** \
  --edge.security.rules[0].scopes[0]=web
measure gateway+ http://127.0.0.1:18082/bench/orders/7001 "Authorization: Bearer $token"
stop_gateway

awk -v g="$rps_gateway" -v n="$rps_nginx" -v j="$rps_gateway_plus" -v s="$rps_scg" -v r="$rps_netty" 'BEGIN {
  printf "gateway / nginx                 = %.2f  (target >= 0.50)\n", g / n
  printf "gateway+jwt+ratelimit / gateway = %.2f  (target >= 0.80)\n", j / g
  printf "baselines: reactor-netty / nginx = %.2f, spring-cloud-gateway / nginx = %.2f, gateway / spring-cloud-gateway = %.2f\n", r / n, s / n, g / s
}'
