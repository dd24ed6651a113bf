#!/usr/bin/env bash
# bench/run.sh: every benchmark of ftgo-edge in one run, on pinned CPUs; writes
# docs/benchmarks.md (figures, ratios, the machine, the date) and its plots under
# docs/benchmarks/. Not a test: nothing here asserts; the targets are printed next to
# the figures.
#
# Needs (Debian): apt-get install wrk nginx util-linux procps curl   and a JDK 17+ (with jcmd).
#
#   bench/run.sh                         # every scenario, about 45 minutes on 2 cores
#   SCENARIOS="proxy composition" bench/run.sh
#   SOAK=1 bench/run.sh                  # the memory scenario becomes a 30-minute soak
#   QUICK=1 bench/run.sh                 # short windows: checks the script, not the figures
#   SKIP_BUILD=1 bench/run.sh            # reuse the jars already built
#
# CPU 0 runs the system under test (the edge, a baseline, or nginx as a proxy); CPU 1
# runs the providers (nginx with fixed JSON, or the delayed providers), the identity
# provider and the load generators. Every JVM under test gets the same flags (JVM below).
# Loopback only; every run is bounded in time and the script stops all it started.
#
# Scenarios (SCENARIOS, in this order):
#   proxy        nginx proxy_pass, a bare Reactor Netty proxy, bare Spring Cloud Gateway,
#                the edge on a plain route, the edge with JWT and rate limit (wrk, closed loop)
#   composition  the order page (six provider calls) on bff-web against two hand-written
#                WebFlux handlers: (a) WebClient + Mono.zip, (b) the same with a timeout,
#                a circuit breaker and a bulkhead per call (bench/compose-baseline); only
#                complete answers count; bytes allocated per request
#   graphql      the persisted order-page query (compiled plan) against the REST order page
#   critical     providers with fixed delays: composed p50 against the critical path
#   collapsing   100 concurrent requests for one cold key: provider calls
#   openloop     constant arrival rate at 50% of the plain route's knee: the edge's added
#                p99 over calling the provider directly
#   grpc         the mobile status card with its order part over gRPC against the same page
#                over HTTP, in the same run; open gRPC channels before and after
#   memory       RSS and heap after GC of each BFF at steady load with -Xmx256m
#   links        what each link of the edge pipeline costs per request (JMH, in memory)
#   engine       the composition engine's JMH benchmark (in memory, no network)
#   ablation     (not in the default run) the plain route with tracing, observations, the
#                concurrency limit and the session switched off, one at a time and all
#                together: CPU and bytes per request of each, against bare SCG
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

SCENARIOS=${SCENARIOS:-proxy composition graphql critical collapsing openloop grpc memory links engine}
if [ "${QUICK:-}" = 1 ]; then
  WARMUP=${WARMUP:-10}; DURATION=${DURATION:-5}; WINDOWS=${WINDOWS:-2}
  OPEN_SECONDS=${OPEN_SECONDS:-10}; MEM_SECONDS=${MEM_SECONDS:-30}
else
  WARMUP=${WARMUP:-60}; DURATION=${DURATION:-20}; WINDOWS=${WINDOWS:-8}
  OPEN_SECONDS=${OPEN_SECONDS:-30}; MEM_SECONDS=${MEM_SECONDS:-180}
fi
[ "${SOAK:-}" = 1 ] && MEM_SECONDS=1800
CONNECTIONS=${CONNECTIONS:-64}
JVM=(-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)

for tool in wrk nginx taskset curl java jcmd; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install wrk nginx util-linux procps curl; a JDK 17+)" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (one for the system under test, one for load and providers)" >&2; exit 1; }

version=0.1.0-SNAPSHOT
web_jar=bff-web/target/bff-web-$version.jar
mobile_jar=bff-mobile/target/bff-mobile-$version.jar
public_jar=bff-public/target/bff-public-$version.jar
stubs_jar=stubs/target/stubs-$version-exec.jar
tools_jar=bench/tools/target/bench-tools-$version.jar
scg_jar=bench/scg-baseline/target/scg-baseline-$version.jar
compose_jar=bench/compose-baseline/target/compose-baseline-$version.jar
if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "Building the project and the benchmark programs..."
  ./mvnw -q -B -DskipTests clean package
  ./mvnw -q -B -f bench/pom.xml -DskipTests clean package
fi
for jar in "$web_jar" "$mobile_jar" "$public_jar" "$stubs_jar" "$tools_jar" "$scg_jar" "$compose_jar"; do
  [ -f "$jar" ] || { echo "missing $jar: run without SKIP_BUILD=1" >&2; exit 1; }
done

work=$(mktemp -d)
mkdir -p "$work/logs" docs/benchmarks
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in providers proxy; do
    [ -f "$work/$conf.pid" ] && nginx -p "$work" -c "$conf.conf" -s stop 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

# ---- ports (none of the demo ports, so a running ./run-local.sh is no obstacle)
backend=18080 proxy_port=18081 sut=18082 sut_mgmt=18092
declare -A nginx_port=([order]=19181 [kitchen]=19182 [delivery]=19183 [accounting]=19184 [consumer]=19185 [restaurant]=19186)
declare -A slow_port=([order]=19481 [kitchen]=19482 [delivery]=19483 [accounting]=19484 [consumer]=19485 [restaurant]=19486)
ports_of() { local -n p=$1; local out=""; for id in "${!p[@]}"; do out+="$id:${p[$id]},"; done; echo "${out%,}"; }
providers_at() { local -n p=$1; local out=(); for id in "${!p[@]}"; do out+=("--edge.providers.$id.url=http://127.0.0.1:${p[$id]}"); done; echo "${out[@]}"; }

# ---- providers served by nginx: fixed JSON from the stubs' seeds, one port per provider,
# and a fixed body for the plain proxied route. Calls are counted from the access log.
java -jar "$tools_jar" nginx-conf --seeds=stubs/src/main/resources/wiremock --ports="$(ports_of nginx_port)" \
  --log="$work/logs/providers-access.log" --out="$work/providers-servers.conf"
plain_body='{"orderId":7001,"state":"APPROVED","orderTotal":"61.70","consumerId":1001,"restaurantId":501}'
cat >"$work/providers.conf" <<EOF
worker_processes 1;
pid $work/providers.pid;
error_log $work/logs/providers-error.log;
events { worker_connections 8192; }
http {
  log_format bench '\$server_port \$uri';
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$backend;
    access_log off;
    location / { default_type application/json; return 200 '$plain_body'; }
  }
  include $work/providers-servers.conf;
}
EOF
sed -i "s/ bench buffer=256k;/ bench buffer=256k flush=1s;/" "$work/providers-servers.conf"
cat >"$work/proxy.conf" <<EOF
worker_processes 1;
pid $work/proxy.pid;
error_log $work/logs/proxy-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$backend; keepalive 128; }
  server {
    listen 127.0.0.1:$proxy_port;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
taskset -c 1 nginx -p "$work" -c providers.conf
taskset -c 0 nginx -p "$work" -c proxy.conf

# The dev identity provider, for tokens (its stub providers are not used here).
# Its order stubs serve the grpc scenario: REST on 19381, gRPC on 19387 (journal on 19388).
taskset -c 1 java -jar "$stubs_jar" --identity-port=19090 --order-port=19381 --kitchen-port=19382 \
  --delivery-port=19383 --accounting-port=19384 --consumer-port=19385 --restaurant-port=19386 \
  --order-grpc-port=19387 --order-grpc-admin-port=19388 \
  >"$work/logs/identity.log" 2>&1 &
pids+=($!)

wait_for() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "not up: $1" >&2; return 1; }
wait_for "http://127.0.0.1:$backend/"
wait_for http://localhost:19090/.well-known/openid-configuration
# alice's token, fetched anew as each scenario starts (section): the dev identity provider's
# tokens live an hour, less than a whole run with the 30-minute soak.
fresh_token() {
  token=$(curl -s -X POST localhost:19090/oauth2/token -d grant_type=password -d username=alice -d password=password \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  auth="Authorization: Bearer $token"
}
fresh_token

# ---- the system under test, always on CPU 0 and port $sut
edge_common=(--server.port=$sut --management.server.port=$sut_mgmt --logging.level.io.ftgo.edge.access=WARN
  --edge.security.jwt.issuer-uri=http://localhost:19090)
high_limits=(--edge.rate-limit.tiers.default.limit=10000000 --edge.rate-limit.tiers.default.window=1s)
sut_pid=
start_sut() { # ready-url jar args...
  local ready=$1; shift
  taskset -c 0 java "${JVM[@]}" -jar "$@" >"$work/logs/sut.log" 2>&1 &
  sut_pid=$!
  pids+=($sut_pid)
  wait_for "$ready" || { tail -n 40 "$work/logs/sut.log" >&2; exit 1; }
}
start_edge() { start_sut "http://127.0.0.1:$sut_mgmt/actuator/health/readiness" "$web_jar" "${edge_common[@]}" "$@"; }
stop_sut() { [ -n "$sut_pid" ] && { kill "$sut_pid" 2>/dev/null || true; wait "$sut_pid" 2>/dev/null || true; }; sut_pid=; }

provider_calls() { wc -l <"$work/logs/providers-access.log" 2>/dev/null || echo 0; }

# Lua scripts for wrk: a different order id on every request (in place of a trailing /0),
# and every answer sorted: complete (200, and a composed answer's _meta.complete true, a
# GraphQL answer without errors), degraded (200 without them) or failed (any other status).
# A degraded answer is the edge protecting itself, not throughput.
cat >"$work/answers.lua" <<'EOF'
local counters = {}
function setup(thread) table.insert(counters, thread) end
function init(args) complete = 0; degraded = 0; failed = 0 end
function response(status, headers, body)
  if status ~= 200 then failed = failed + 1
  elseif string.find(body, '"_meta"', 1, true) and not string.find(body, '"complete":true', 1, true) then
    degraded = degraded + 1
  elseif string.find(body, '"errors"', 1, true) then degraded = degraded + 1
  else complete = complete + 1 end
end
function done(summary, latency, requests)
  local c, d, f = 0, 0, 0
  for _, t in ipairs(counters) do c = c + t:get("complete"); d = d + t:get("degraded"); f = f + t:get("failed") end
  io.write(string.format("answers: complete %d degraded %d failed %d\n", c, d, f))
end
EOF
{ cat "$work/answers.lua"; cat <<'EOF'
math.randomseed(os.time())
request = function()
  local path = string.gsub(wrk.path, "/0$", "/" .. tostring(math.random(10000, 99999)))
  return wrk.format(nil, path)
end
EOF
} >"$work/random-id.lua"
# The persisted order-page query (bff-web's graphql/persisted/order-page.graphql), a
# different order id on every request, as a client that registered it sends it.
{ cat "$work/answers.lua"; cat <<'EOF'
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body = '{"variables":{"orderId":' .. tostring(math.random(10000, 99999))
    .. '},"extensions":{"persistedQuery":{"id":"order-page"}}}'
  return wrk.format(nil, nil, nil, body)
end
EOF
} >"$work/graphql-page.lua"

declare -A rps p50 p99 calls_per_s window_of non2xx_of complete_of degraded_of failed_of complete_rps alloc_of cpu_of
# CPU time the system under test spent (user + system, from /proc), in clock ticks: per
# request, a cost that other work on the machine does not change.
clock_tick=$(getconf CLK_TCK)
cpu_ticks() { if [ -n "${sut_pid:-}" ] && [ -r "/proc/$sut_pid/stat" ]; then awk '{print $14 + $15}' "/proc/$sut_pid/stat"; else echo; fi; }
measure() { # name url [header] [lua]
  # Warm up, then DURATION-second windows until two in a row agree within 3% (at most
  # WINDOWS): on one CPU the JIT competes with the load for a long time.
  local name=$1 url=$2 header=${3:-X-Bench: 1} lua=${4:-}
  local script=(); [ -n "$lua" ] && script=(-s "$lua")
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "$header" "${script[@]}" "$url" >/dev/null
  local r previous=0 window before after
  for ((window = 1; window <= WINDOWS; window++)); do
    sleep 1.2; before=$(provider_calls); cpu_before=$(cpu_ticks)
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$header" "${script[@]}" "$url" >"$work/$name.txt"
    cpu_after=$(cpu_ticks); sleep 1.2; after=$(provider_calls)
    r=$(awk '/Requests\/sec/ {print $2}' "$work/$name.txt")
    awk -v a="$r" -v b="$previous" 'BEGIN { exit !(b > 0 && a <= b * 1.03 && a >= b * 0.97) }' && break
    previous=$r
  done
  ((window > WINDOWS)) && window="$WINDOWS, not settled"
  rps[$name]=$r
  p50[$name]=$(awk '$1=="50%" {print $2}' "$work/$name.txt")
  p99[$name]=$(awk '$1=="99%" {print $2}' "$work/$name.txt")
  calls_per_s[$name]=$(awk -v d="$DURATION" -v n=$((after - before)) 'BEGIN { printf "%.0f", n / d }')
  window_of[$name]=$window
  local non2xx; non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$name.txt"); non2xx_of[$name]=${non2xx:-0}
  cpu_of[$name]=$(awk -v a="$cpu_before" -v b="$cpu_after" -v hz="$clock_tick" \
    -v n="$(awk '/requests in/ {print $1}' "$work/$name.txt")" \
    'BEGIN { if (a != "" && b != "" && n > 0) printf "%.0f", (b - a) * 1e6 / hz / n; else printf "n/a" }')
  local sorted=""
  if grep -q '^answers:' "$work/$name.txt"; then
    read -r "complete_of[$name]" "degraded_of[$name]" "failed_of[$name]" \
      < <(awk '/^answers:/ {print $3, $5, $7}' "$work/$name.txt")
    complete_rps[$name]=$(awk -v r="$r" -v c="${complete_of[$name]}" -v d="${degraded_of[$name]}" \
      -v f="${failed_of[$name]}" 'BEGIN { n = c + d + f; printf "%.0f", (n > 0 ? r * c / n : 0) }')
    sorted="  complete ${complete_rps[$name]}/s (degraded ${degraded_of[$name]}, failed ${failed_of[$name]})"
  fi
  printf '  %-16s %10s req/s  p50 %8s  p99 %8s  upstream calls %6s/s  non-2xx %s%s  CPU %s us/request  (window %s)\n' \
    "$name" "$r" "${p50[$name]}" "${p99[$name]}" "${calls_per_s[$name]}" "${non2xx:-0}" "$sorted" "${cpu_of[$name]}" "$window"
}
ALLOC_SECONDS=${ALLOC_SECONDS:-10}
[ "${QUICK:-}" = 1 ] && ALLOC_SECONDS=3
alloc_per_request() { # name url header lua: bytes allocated per request by the system under test
  # HotSpot's per-thread allocation counters (bench/tools alloc) read before and after one
  # ALLOC_SECONDS wrk run of the same load; the difference over the requests wrk sent.
  local name=$1 url=$2 header=$3 lua=$4 requests
  taskset -c 1 java -jar "$tools_jar" alloc --pid="$sut_pid" --out="$work/$name-alloc-before.txt" 2>>"$work/logs/load.log"
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${ALLOC_SECONDS}s" -H "$header" -s "$lua" "$url" >"$work/$name-alloc.txt"
  taskset -c 1 java -jar "$tools_jar" alloc --pid="$sut_pid" --out="$work/$name-alloc-after.txt" 2>>"$work/logs/load.log"
  requests=$(awk '/requests in/ {print $1}' "$work/$name-alloc.txt")
  alloc_of[$name]=$(awk -v n="${requests:-0}" 'NR == FNR { before[$1] = $2; next } { sum += $2 - before[$1] }
    END { if (n > 0) printf "%.1f", sum / n / 1024; else printf "n/a" }' \
    "$work/$name-alloc-before.txt" "$work/$name-alloc-after.txt")
  echo "  $name: ${alloc_of[$name]} kB allocated per request ($requests requests)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
to_ms() { # wrk's 1.23ms / 456.78us / 1.2s → ms
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 } else printf "%s", v }'
}

report=$work/report.md
section() { printf '\n## %s\n\n' "$1" >>"$report"; echo "== $1"; fresh_token; }
has() { [[ " $SCENARIOS " == *" $1 "* ]]; }
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

bench_route=(--spring.cloud.gateway.server.webflux.routes[0].id=bench
  --spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:$backend
  --spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/bench/**)
plain_edge=(--edge.rate-limit.enabled=false "--edge.security.rules[0].path=/bench/**" --edge.security.rules[0].permit-all=true)

# ---------------------------------------------------------------- proxy
if has proxy; then
  section "Proxy: one route, one provider"
  url=http://127.0.0.1:$sut/bench/orders/7001
  measure nginx "http://127.0.0.1:$proxy_port/bench/orders/7001"
  taskset -c 0 java "${JVM[@]}" -jar "$tools_jar" raw-proxy --port=$sut --upstream=http://127.0.0.1:$backend \
    >"$work/logs/sut.log" 2>&1 &
  sut_pid=$!; pids+=($sut_pid); wait_for "$url"
  measure netty "$url"; stop_sut
  start_sut "$url" "$scg_jar" "${bench_route[@]}" --server.port=$sut
  measure scg "$url"; stop_sut
  start_edge "${bench_route[@]}" "${plain_edge[@]}"
  measure edge "$url"; stop_sut
  start_edge "${bench_route[@]}" --edge.rate-limit.enabled=true "${high_limits[@]}" \
    "--edge.security.rules[0].path=/bench/**" "--edge.security.rules[0].scopes[0]=web"
  measure edge+jwt+rl "$url" "$auth"; stop_sut
  cat >>"$report" <<EOF
wrk, $CONNECTIONS connections, closed loop; the proxy on CPU 0, backend and wrk on CPU 1. CPU per
request: the JVM's user + system time (/proc) over the last window, divided by its requests.

| run | req/s | p50 | p99 | non-2xx | CPU per request |
|---|---|---|---|---|---|
| nginx \`proxy_pass\` (keep-alive upstream) | ${rps[nginx]} | ${p50[nginx]} | ${p99[nginx]} | ${non2xx_of[nginx]} | — |
| bare Reactor Netty proxy | ${rps[netty]} | ${p50[netty]} | ${p99[netty]} | ${non2xx_of[netty]} | ${cpu_of[netty]} µs |
| bare Spring Cloud Gateway | ${rps[scg]} | ${p50[scg]} | ${p99[scg]} | ${non2xx_of[scg]} | ${cpu_of[scg]} µs |
| edge, plain route (bff-web jar, no authentication, no rate limit) | ${rps[edge]} | ${p50[edge]} | ${p99[edge]} | ${non2xx_of[edge]} | ${cpu_of[edge]} µs |
| edge + JWT + rate limit | ${rps[edge+jwt+rl]} | ${p50[edge+jwt+rl]} | ${p99[edge+jwt+rl]} | ${non2xx_of[edge+jwt+rl]} | ${cpu_of[edge+jwt+rl]} µs |

| ratio | value | target |
|---|---|---|
| edge plain / bare SCG | $(ratio "${rps[edge]}" "${rps[scg]}") | ≥ 0.80 |
| edge + JWT + rate limit / edge plain (throughput) | $(ratio "${rps[edge+jwt+rl]}" "${rps[edge]}") | ≥ 0.90 |
| edge + JWT + rate limit p99 / edge plain p99 | $(ratio "$(to_ms "${p99[edge+jwt+rl]}")" "$(to_ms "${p99[edge]}")") | ≤ 1.5 |
| CPU per request, edge plain / bare SCG | $(ratio "${cpu_of[edge]}" "${cpu_of[scg]}") | — (≤ 1.25 is what 0.80 throughput needs) |
| bare SCG / nginx (for reference) | $(ratio "${rps[scg]}" "${rps[nginx]}") | — |
| bare Reactor Netty / nginx (for reference) | $(ratio "${rps[netty]}" "${rps[nginx]}") | — |
EOF
fi

# ---------------------------------------------------------------- ablation
if has ablation; then
  section "Ablation: the plain route with the edge's optional parts switched off"
  # The plain route of the proxy scenario, once per variant, each with its own CPU time and
  # bytes allocated per request: what each optional part costs, and what is left when all
  # are off (the edge's own chain, Spring Security's and the gateway's).
  url=http://127.0.0.1:$sut/bench/orders/7001
  start_sut "$url" "$scg_jar" "${bench_route[@]}" --server.port=$sut
  measure ablation-scg "$url"; alloc_per_request ablation-scg "$url" "X-Bench: 1" "$work/answers.lua"; stop_sut
  no_tracing=(--management.tracing.enabled=false)
  no_observations=(--management.observations.enable.http=false --management.observations.enable.spring=false)
  no_limiter=(--edge.concurrency.enabled=false)
  no_session=(--edge.session.enabled=false)
  ablation_variants="edge no-tracing no-observations no-limiter no-session all-off"
  for variant in $ablation_variants; do
    case $variant in
      edge) off=() ;;
      no-tracing) off=("${no_tracing[@]}") ;;
      no-observations) off=("${no_tracing[@]}" "${no_observations[@]}") ;;
      no-limiter) off=("${no_limiter[@]}") ;;
      no-session) off=("${no_session[@]}") ;;
      all-off) off=("${no_tracing[@]}" "${no_observations[@]}" "${no_limiter[@]}" "${no_session[@]}") ;;
    esac
    start_edge "${bench_route[@]}" "${plain_edge[@]}" "${off[@]}"
    measure "ablation-$variant" "$url"
    alloc_per_request "ablation-$variant" "$url" "X-Bench: 1" "$work/answers.lua"; stop_sut
  done
  {
    cat <<EOF
The plain route of the proxy scenario (bff-web, permit-all, no rate limit), started once per
variant; wrk as in the proxy scenario. CPU per request: the JVM's user + system time over the
last window; bytes: HotSpot's per-thread allocation counters over ${ALLOC_SECONDS} s.

| variant | switched off | req/s | CPU per request | CPU / edge | kB allocated per request |
|---|---|---|---|---|---|
| bare Spring Cloud Gateway | — | ${rps[ablation-scg]} | ${cpu_of[ablation-scg]} µs | $(ratio "${cpu_of[ablation-scg]}" "${cpu_of[ablation-edge]}") | ${alloc_of[ablation-scg]} |
EOF
    for variant in $ablation_variants; do
      case $variant in
        edge) what="nothing (as shipped)" ;;
        no-tracing) what="\`management.tracing.enabled\`" ;;
        no-observations) what="tracing and the HTTP and Spring observations" ;;
        no-limiter) what="\`edge.concurrency.enabled\`" ;;
        no-session) what="\`edge.session.enabled\`" ;;
        all-off) what="all of the above" ;;
      esac
      echo "| edge, $variant | $what | ${rps[ablation-$variant]} | ${cpu_of[ablation-$variant]} µs | $(ratio "${cpu_of[ablation-$variant]}" "${cpu_of[ablation-edge]}") | ${alloc_of[ablation-$variant]} |"
    done
  } >>"$report"
fi

# ---------------------------------------------------------------- composition
if has composition; then
  section "Composition: the order page against hand-written handlers"
  url="http://127.0.0.1:$sut/api/web/orders/0"   # the Lua script puts a random id in place of 0
  # shellcheck disable=SC2046
  start_edge $(providers_at nginx_port) "${high_limits[@]}"
  measure order-page "$url" "$auth" "$work/random-id.lua"
  alloc_per_request order-page "$url" "$auth" "$work/random-id.lua"; stop_sut
  compose_args=(--server.port=$sut)
  for id in "${!nginx_port[@]}"; do compose_args+=("--providers.$id=http://127.0.0.1:${nginx_port[$id]}"); done
  start_sut "http://127.0.0.1:$sut/api/web/orders/7001" "$compose_jar" "${compose_args[@]}" --protect=false
  measure handwritten-a "$url" "$auth" "$work/random-id.lua"
  alloc_per_request handwritten-a "$url" "$auth" "$work/random-id.lua"; stop_sut
  start_sut "http://127.0.0.1:$sut/api/web/orders/7001" "$compose_jar" "${compose_args[@]}" --protect=true
  measure handwritten-b "$url" "$auth" "$work/random-id.lua"
  alloc_per_request handwritten-b "$url" "$auth" "$work/random-id.lua"; stop_sut
  per_answer() { awk -v c="${calls_per_s[$1]}" -v r="${complete_rps[$1]}" 'BEGIN { if (r > 0) printf "%.2f", c / r; else printf "n/a" }'; }
  cat >>"$report" <<EOF
\`GET /api/web/orders/{id}\` with a different order id (10000-99999) on every request, alice's
token; six provider calls each (order, then ticket, delivery, bill, restaurant, consumer in
parallel), providers served by nginx. The edge runs bff-web as shipped (JWT, authorization,
rate limit with a limit nothing reaches, ETag, metrics); the hand-written handlers pass the
token on and check nothing. Upstream calls are counted from the providers' access log: the
edge collapses identical calls in flight (restaurant 501 and consumer 1001 are the same for
every request), the handlers do not.

Only complete answers count as served: for the edge, a 200 whose \`_meta.complete\` is true;
for the handlers, a 200 (a zip fails whole). A degraded answer (200, \`complete: false\`) is the
edge protecting itself, not throughput; the degraded and failed columns count answers in the
last measured window. Allocation per request: HotSpot's per-thread allocation counters of the
system under test (\`bench/tools alloc\`), read before and after one more ${ALLOC_SECONDS}-second wrk run of
the same load, divided by the requests that run sent.

| run | req/s | complete answers/s | degraded | failed | p50 | p99 | upstream calls/s | upstream calls per complete answer | CPU per request | allocated per request |
|---|---|---|---|---|---|---|---|---|---|---|
| edge (bff-web) | ${rps[order-page]} | ${complete_rps[order-page]} | ${degraded_of[order-page]} | ${failed_of[order-page]} | ${p50[order-page]} | ${p99[order-page]} | ${calls_per_s[order-page]} | $(per_answer order-page) | ${cpu_of[order-page]} µs | ${alloc_of[order-page]} kB |
| (a) WebClient + Mono.zip, no protection | ${rps[handwritten-a]} | ${complete_rps[handwritten-a]} | ${degraded_of[handwritten-a]} | ${failed_of[handwritten-a]} | ${p50[handwritten-a]} | ${p99[handwritten-a]} | ${calls_per_s[handwritten-a]} | $(per_answer handwritten-a) | ${cpu_of[handwritten-a]} µs | ${alloc_of[handwritten-a]} kB |
| (b) the same + timeout, breaker, bulkhead | ${rps[handwritten-b]} | ${complete_rps[handwritten-b]} | ${degraded_of[handwritten-b]} | ${failed_of[handwritten-b]} | ${p50[handwritten-b]} | ${p99[handwritten-b]} | ${calls_per_s[handwritten-b]} | $(per_answer handwritten-b) | ${cpu_of[handwritten-b]} µs | ${alloc_of[handwritten-b]} kB |

| ratio (complete answers) | value | target |
|---|---|---|
| edge / (b), same protection | $(ratio "${complete_rps[order-page]}" "${complete_rps[handwritten-b]}") | ≥ 0.80 (1.0 the goal) |
| edge / (a), no protection | $(ratio "${complete_rps[order-page]}" "${complete_rps[handwritten-a]}") | ≥ 0.80 |
| edge p99 / (b) p99 | $(ratio "$(to_ms "${p99[order-page]}")" "$(to_ms "${p99[handwritten-b]}")") | ≤ 2 |
| allocated per request, edge / (b) | $(ratio "${alloc_of[order-page]}" "${alloc_of[handwritten-b]}") | ≤ 2 |
| CPU per request, edge / (b) | $(ratio "${cpu_of[order-page]}" "${cpu_of[handwritten-b]}") | — |
EOF
fi

# ---------------------------------------------------------------- graphql
if has graphql; then
  section "GraphQL: the persisted order-page query against the REST order page"
  # shellcheck disable=SC2046
  start_edge $(providers_at nginx_port) "${high_limits[@]}"
  [ -n "${rps[order-page]:-}" ] || measure order-page "http://127.0.0.1:$sut/api/web/orders/0" "$auth" "$work/random-id.lua"
  gql_status=$(curl -s -o "$work/graphql-check.json" -w '%{http_code}' -H "$auth" -H 'Content-Type: application/json' \
    -d '{"variables":{"orderId":7001},"extensions":{"persistedQuery":{"id":"order-page"}}}' "http://127.0.0.1:$sut/graphql")
  [ "$gql_status" = 200 ] && ! grep -q '"errors"' "$work/graphql-check.json" \
    || { echo "the persisted order-page query is not answered whole ($gql_status): $(head -c 300 "$work/graphql-check.json")" >&2; exit 1; }
  measure graphql-page "http://127.0.0.1:$sut/graphql" "$auth" "$work/graphql-page.lua"
  alloc_per_request graphql-page "http://127.0.0.1:$sut/graphql" "$auth" "$work/graphql-page.lua"
  compiled=$(curl -fsS "http://127.0.0.1:$sut_mgmt/actuator/prometheus" \
    | awk '/^edge_graphql_executions_total\{/ && /execution="compiled"/ { v += $2 } END { printf "%.0f", v }')
  stop_sut
  cat >>"$report" <<EOF
bff-web as shipped, one JVM: \`POST /graphql\` with the persisted query \`order-page\`
(\`{"variables":{"orderId":N},"extensions":{"persistedQuery":{"id":"order-page"}}}\`, a different
N on every request, alice's token), run by the compiled plan (\`edge.graphql.compiled-plans\`,
$compiled executions counted as compiled), against the REST order page of the composition
scenario (another JVM of the same jar and flags, when that scenario ran in this run). An answer
with \`errors\` counts as degraded.

| run | req/s | complete answers/s | degraded | failed | p50 | p99 | upstream calls/s | CPU per request | allocated per request |
|---|---|---|---|---|---|---|---|---|---|
| REST order page | ${rps[order-page]} | ${complete_rps[order-page]} | ${degraded_of[order-page]} | ${failed_of[order-page]} | ${p50[order-page]} | ${p99[order-page]} | ${calls_per_s[order-page]} | ${cpu_of[order-page]} µs | ${alloc_of[order-page]:-n/a} kB |
| GraphQL persisted order-page query | ${rps[graphql-page]} | ${complete_rps[graphql-page]} | ${degraded_of[graphql-page]} | ${failed_of[graphql-page]} | ${p50[graphql-page]} | ${p99[graphql-page]} | ${calls_per_s[graphql-page]} | ${cpu_of[graphql-page]} µs | ${alloc_of[graphql-page]} kB |

| ratio | value | target |
|---|---|---|
| GraphQL / REST, complete answers | $(ratio "${complete_rps[graphql-page]}" "${complete_rps[order-page]}") | ≥ 0.80 |
| GraphQL p50 / REST p50 | $(ratio "$(to_ms "${p50[graphql-page]}")" "$(to_ms "${p50[order-page]}")") | ≤ 1.20 |
EOF
fi

# Delayed providers (Reactor Netty, CPU 1) for the critical-path and collapsing scenarios.
start_slow_providers() { # delay list
  taskset -c 1 java -Xmx256m -jar "$tools_jar" providers --seeds=stubs/src/main/resources/wiremock \
    --ports="$(ports_of slow_port)" --delay="$1" >"$work/logs/slow-providers.log" 2>&1 &
  slow_pid=$!; pids+=($slow_pid)
  wait_for "http://127.0.0.1:${slow_port[order]}/__calls"
}
stop_slow_providers() { kill "$slow_pid" 2>/dev/null || true; wait "$slow_pid" 2>/dev/null || true; }
load() { taskset -c 1 java -Xmx512m -jar "$tools_jar" load "$@" 2>>"$work/logs/load.log"; }

# ---------------------------------------------------------------- critical path
if has critical; then
  section "Critical path: providers with fixed delays"
  start_slow_providers order:20ms,kitchen:20ms,delivery:30ms,accounting:40ms,consumer:20ms,restaurant:30ms
  # shellcheck disable=SC2046
  start_edge $(providers_at slow_port) "${high_limits[@]}"
  # A warm edge: a closed-loop warm-up first (the open loop's 20 requests/s would leave
  # the JIT half done), then the measured open loop.
  taskset -c 1 wrk -t1 -c8 -d"${WARMUP}s" -H "$auth" -s "$work/random-id.lua" \
    "http://127.0.0.1:$sut/api/web/orders/0" >/dev/null
  line=$(load --label=edge --url="http://127.0.0.1:$sut/api/web/orders/{id}" --ids=10000-99999 --rate=20 \
    --warmup=10s --duration=${OPEN_SECONDS}s --header="$auth" --hist="$work/critical-edge.hgrm")
  echo "  $line"; stop_sut
  critical_p50=$(sed -E 's/.* p50=([0-9.]+).*/\1/' <<<"$line")
  critical_p99=$(sed -E 's/.* p99=([0-9.]+).*/\1/' <<<"$line")
  critical_statuses=$(sed -E 's/.* statuses=(.*)$/\1/' <<<"$line")
  # The critical path as measured: the same load tool calling the order provider and the
  # slowest other (accounting) directly, p50 of each, added.
  line=$(load --label=order --url="http://127.0.0.1:${slow_port[order]}/orders/{id}" --ids=10000-99999 --rate=20 \
    --warmup=5s --duration=${OPEN_SECONDS}s)
  echo "  $line"; direct_order_p50=$(sed -E 's/.* p50=([0-9.]+).*/\1/' <<<"$line")
  line=$(load --label=accounting --url="http://127.0.0.1:${slow_port[accounting]}/bills/{id}" --ids=10000-99999 \
    --rate=20 --warmup=5s --duration=${OPEN_SECONDS}s)
  echo "  $line"; direct_bill_p50=$(sed -E 's/.* p50=([0-9.]+).*/\1/' <<<"$line")
  measured_critical=$(awk -v a="$direct_order_p50" -v b="$direct_bill_p50" 'BEGIN { printf "%.2f", a + b }')
  stop_slow_providers
  cat >>"$report" <<EOF
Order 20 ms, then kitchen 20, delivery 30, accounting 40, consumer 20, restaurant 30 ms in
parallel: the nominal critical path is 20 + 40 = 60 ms. The measured critical path is the p50
of the order provider plus the p50 of the accounting provider, each called directly by the
same load tool at the same rate (so it includes a real HTTP hop per call). The edge is warmed
by a closed loop first; then open loop, 20 requests/s for ${OPEN_SECONDS} s, a different order id
on every request (no collapsing).

| measure | value | target |
|---|---|---|
| composed p50 | ${critical_p50} ms | — |
| composed p99 | ${critical_p99} ms | — |
| order p50 + accounting p50, called directly | ${direct_order_p50} + ${direct_bill_p50} = ${measured_critical} ms | — |
| composed p50 / measured critical path | $(ratio "$critical_p50" "$measured_critical") | ≤ 1.05 |
| composed p50 / nominal critical path (60 ms) | $(ratio "$critical_p50" 60) | — |
| answers by status | \`$critical_statuses\` | all 200 |
EOF
fi

# ---------------------------------------------------------------- collapsing
if has collapsing; then
  section "Collapsing: 100 concurrent requests for one cold key"
  start_slow_providers order:200ms,kitchen:200ms,delivery:200ms,accounting:200ms,consumer:200ms,restaurant:200ms
  # shellcheck disable=SC2046
  start_edge $(providers_at slow_port) "${high_limits[@]}"
  # A warm edge, a cold key: order pages for random ids (10000-99999) first, at a rate the
  # delayed providers answer within their timeouts, so the JIT and the token cache are
  # warm and nothing is known about order 7001. Calls are counted from the burst on.
  taskset -c 1 wrk -t1 -c8 -d"${WARMUP}s" -H "$auth" -s "$work/random-id.lua" \
    "http://127.0.0.1:$sut/api/web/orders/0" >/dev/null
  sleep 1
  curl -s -X POST "http://127.0.0.1:${slow_port[order]}/__reset"
  statuses=$(taskset -c 1 java -jar "$tools_jar" burst --n=100 --url="http://127.0.0.1:$sut/api/web/orders/7001" \
    --warm="http://127.0.0.1:$sut/actuator/health/liveness" --header="$auth" 2>>"$work/logs/load.log")
  collapsed=$(curl -s "http://127.0.0.1:${slow_port[order]}/__calls")
  echo "  $statuses; provider calls $collapsed"
  stop_sut; stop_slow_providers
  order_calls=$(sed -E 's/.*"order":([0-9]+).*/\1/' <<<"$collapsed")
  cat >>"$report" <<EOF
A warm edge (order pages for random ids first) and a cold key: providers answering after
200 ms, 100 requests for \`GET /api/web/orders/7001\` with alice's token sent at the same
moment over 100 open connections ($statuses). Calls counted during the burst only.

| measure | value | target |
|---|---|---|
| order provider calls | $order_calls | 1 |
| all provider calls | \`$collapsed\` | one per provider |
EOF
fi

# ---------------------------------------------------------------- open loop
if has openloop; then
  section "Open-loop latency: what the edge adds"
  # The knee: the plain route's closed-loop saturation throughput (measured here unless the
  # proxy scenario ran in this run).
  url=http://127.0.0.1:$sut/bench/orders/7001
  start_edge "${bench_route[@]}" "${plain_edge[@]}"
  [ -n "${rps[edge]:-}" ] || measure edge "$url"
  knee=${rps[edge]}
  rate=$(awk -v k="$knee" 'BEGIN { printf "%.0f", k / 2 }')
  edge_line=$(load --label=edge --url="$url" --rate="$rate" --warmup=20s --duration=${OPEN_SECONDS}s \
    --connections=256 --hist="$work/open-edge.hgrm")
  echo "  $edge_line"; stop_sut
  direct_line=$(load --label=direct --url="http://127.0.0.1:$backend/bench/orders/7001" --rate="$rate" --warmup=10s \
    --duration=${OPEN_SECONDS}s --connections=256 --hist="$work/open-direct.hgrm")
  echo "  $direct_line"
  e99=$(sed -E 's/.* p99=([0-9.]+).*/\1/' <<<"$edge_line"); d99=$(sed -E 's/.* p99=([0-9.]+).*/\1/' <<<"$direct_line")
  e50=$(sed -E 's/.* p50=([0-9.]+).*/\1/' <<<"$edge_line"); d50=$(sed -E 's/.* p50=([0-9.]+).*/\1/' <<<"$direct_line")
  added=$(awk -v a="$e99" -v b="$d99" 'BEGIN { printf "%.2f", a - b }')
  open_statuses=$(sed -E 's/.* statuses=(.*)$/\1/' <<<"$edge_line")
  java -jar "$tools_jar" plot --out=docs/benchmarks/open-loop.svg \
    --title="Plain route at $rate req/s (50% of the knee), open loop" \
    "edge=$work/open-edge.hgrm" "direct=$work/open-direct.hgrm"
  cat >>"$report" <<EOF
Constant arrival rate of $rate requests/s (50% of the plain route's knee, $knee req/s), for
${OPEN_SECONDS} s after a warm-up; latency counted from when each request was due (bench/tools
\`load\`, no coordinated omission). "Direct" calls the provider (nginx) without the edge.

| run | p50 | p99 |
|---|---|---|
| edge, plain route | $e50 ms | $e99 ms |
| provider directly | $d50 ms | $d99 ms |

| measure | value | target |
|---|---|---|
| added p99 (edge − direct) | $added ms | ≤ 2 ms |
| the edge's answers by status | \`$open_statuses\` | all 200 (nothing shed below capacity) |

![open-loop latency by percentile](benchmarks/open-loop.svg)
EOF
fi

# ---------------------------------------------------------------- grpc
if has grpc; then
  section "gRPC: the mobile status card, order part over gRPC against HTTP"
  url="http://127.0.0.1:$sut/api/mobile/orders/7001/status"
  mobile_ready="http://127.0.0.1:$sut_mgmt/actuator/health/readiness"
  prom() { # metric name in Prometheus form → its value (0 when absent)
    curl -fsS "http://127.0.0.1:$sut_mgmt/actuator/prometheus" 2>/dev/null \
      | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { v = $2 } END { printf "%s", (v == "" ? 0 : v) }'
  }
  grpc_calls() { # {"count": n} → n, 0 when unreadable
    local n; n=$(curl -fsS "http://127.0.0.1:19388/__admin/requests/count?method=GetOrder" 2>/dev/null \
      | grep -o '[0-9][0-9]*' | head -n 1); echo "${n:-0}"; }
  # delivery and restaurant from nginx; the order part from the stubs JVM (CPU 1) in both runs:
  # its gRPC order stub, then its REST (WireMock) order stub. No adaptive limit: closed loop.
  # shellcheck disable=SC2046
  mobile_args=("${edge_common[@]}" $(providers_at nginx_port) "${high_limits[@]}" --edge.concurrency.enabled=false)
  start_sut "$mobile_ready" "$mobile_jar" "${mobile_args[@]}" --edge.providers.order.transport=grpc \
    --edge.providers.order.grpc.target=127.0.0.1:19387
  curl -fsS -o /dev/null -H "$auth" "$url" || true   # the channel exists from start-up; one call connects it
  channels_before=$(prom edge_grpc_channels); opened_before=$(prom edge_grpc_channels_opened_total)
  calls_before=$(grpc_calls)
  measure status-grpc "$url" "$auth"
  channels_after=$(prom edge_grpc_channels); opened_after=$(prom edge_grpc_channels_opened_total)
  calls_after=$(grpc_calls)
  stop_sut
  # The order provider's url once (a second --edge.providers.order.url would join the two
  # with a comma, which start-up refuses).
  http_args=()
  for arg in "${mobile_args[@]}"; do [[ $arg == --edge.providers.order.url=* ]] || http_args+=("$arg"); done
  start_sut "$mobile_ready" "$mobile_jar" "${http_args[@]}" --edge.providers.order.transport=http \
    --edge.providers.order.url=http://127.0.0.1:19381 --edge.transcoding.enabled=false
  measure status-http "$url" "$auth"; stop_sut
  cat >>"$report" <<EOF
\`GET /api/mobile/orders/7001/status\` (bff-mobile as shipped: JWT, authorization, ETag, a rate
limit nothing reaches), alice's token, wrk closed loop. The order part (required) over gRPC
(\`OrderService/GetOrder\`, one channel) against the same part over HTTP (\`GET /orders/7001\`),
switched with \`edge.providers.order.transport\` alone; both order providers are the stubs JVM
on CPU 1 (its gRPC stub, its WireMock), delivery and restaurant are nginx. The upstream column
counts nginx calls only (delivery + restaurant; collapsing applies to both runs alike).

| run | req/s | p50 | p99 | upstream calls/s | non-2xx |
|---|---|---|---|---|---|
| order part over gRPC | ${rps[status-grpc]} | ${p50[status-grpc]} | ${p99[status-grpc]} | ${calls_per_s[status-grpc]} | ${non2xx_of[status-grpc]} |
| order part over HTTP | ${rps[status-http]} | ${p50[status-http]} | ${p99[status-http]} | ${calls_per_s[status-http]} | ${non2xx_of[status-http]} |

| gRPC channels | before the load | after the load | must be |
|---|---|---|---|
| open (\`edge_grpc_channels\`) | $channels_before | $channels_after | equal (1) |
| opened since start (\`edge_grpc_channels_opened_total\`) | $opened_before | $opened_after | equal (1) |

GetOrder calls the gRPC stub answered during the measured windows and warm-up: $(( ${calls_after:-0} - ${calls_before:-0} )).

| ratio | value |
|---|---|
| gRPC / HTTP (throughput) | $(ratio "${rps[status-grpc]}" "${rps[status-http]}") |
| gRPC p99 / HTTP p99 | $(ratio "$(to_ms "${p99[status-grpc]}")" "$(to_ms "${p99[status-http]}")") |
EOF
  if [ "$channels_before" != "$channels_after" ] || [ "$opened_before" != "$opened_after" ]; then
    echo "  gRPC channels changed under load: open $channels_before -> $channels_after, opened $opened_before -> $opened_after" >&2
  fi
fi

# ---------------------------------------------------------------- memory
if has memory; then
  section "Memory: each BFF at steady load, -Xmx256m"
  # Each JVM as the shipped chart's pods start it, with the target's -Xmx256m: it sees the
  # pod's 768 MiB memory limit (MaxRAM), so its ergonomics pick what they pick there:
  # SerialGC (G1 and ParallelGC only on a "server-class" machine, 2 CPUs and 1792 MB or
  # more) and an initial heap of 1/64 of it, growing as the live data needs. On this
  # machine's 23 GiB the initial heap would be the whole -Xmx. MEM_JVM_GC="-XX:+UseParallelGC"
  # measures with the throughput scenarios' collector instead, which commits the heap
  # towards -Xmx and keeps it (RSS about 440 MiB after 30 minutes).
  MEM_JVM_GC=${MEM_JVM_GC:--XX:MaxRAM=768m}
  # shellcheck disable=SC2206
  mem_jvm=(-Xmx256m $MEM_JVM_GC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)
  declare -A mem_pid mem_port
  mem_port=([web]=18182 [mobile]=18183 [public]=18184)
  # shellcheck disable=SC2046
  for bff in web mobile public; do
    jar_var=${bff}_jar
    taskset -c 0 java "${mem_jvm[@]}" -jar "${!jar_var}" --server.port=${mem_port[$bff]} \
      --management.server.port=$((mem_port[$bff] + 100)) --logging.level.io.ftgo.edge.access=WARN \
      --edge.security.jwt.issuer-uri=http://localhost:19090 $(providers_at nginx_port) "${high_limits[@]}" \
      --edge.rate-limit.tiers.standard.limit=10000000 --edge.rate-limit.tiers.standard.window=1s \
      --edge.providers.order.transport=http --edge.transcoding.enabled=false \
      >"$work/logs/mem-$bff.log" 2>&1 &
    mem_pid[$bff]=$!; pids+=(${mem_pid[$bff]})
  done
  for bff in web mobile public; do
    wait_for "http://127.0.0.1:$((mem_port[$bff] + 100))/actuator/health/readiness" || { tail -n 30 "$work/logs/mem-$bff.log" >&2; exit 1; }
  done
  sample() { # bff → "rss_mib heap_after_gc_mib"
    local pid=${mem_pid[$1]} rss heap
    jcmd "$pid" GC.run >/dev/null
    rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
    heap=$(jcmd "$pid" GC.heap_info | awk '/total/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); sum += v } }
      END { printf "%.0f", sum / 1024 }')
    echo "$rss $heap"
  }
  (load --label=web --url="http://127.0.0.1:${mem_port[web]}/api/web/orders/{id}" --ids=10000-99999 --rate=40 \
      --duration=${MEM_SECONDS}s --header="$auth" >"$work/mem-load-web.txt") &
  load_pids=($!)
  (load --label=mobile --url="http://127.0.0.1:${mem_port[mobile]}/api/mobile/orders/{id}/status" --ids=10000-99999 \
      --rate=40 --duration=${MEM_SECONDS}s --header="$auth" >"$work/mem-load-mobile.txt") &
  load_pids+=($!)
  (load --label=public --url="http://127.0.0.1:${mem_port[public]}/v2/orders/{id}" --ids=10000-99999 --rate=30 \
      --duration=${MEM_SECONDS}s --header="X-API-Key: demo-ajanta-key" >"$work/mem-load-public.txt") &
  load_pids+=($!)
  sleep 15
  declare -A at_start at_middle at_end
  for bff in web mobile public; do at_start[$bff]=$(sample $bff); done
  sleep $((MEM_SECONDS / 2 - 15))
  for bff in web mobile public; do at_middle[$bff]=$(sample $bff); done
  sleep $((MEM_SECONDS / 2 - 10))
  for bff in web mobile public; do at_end[$bff]=$(sample $bff); done
  wait "${load_pids[@]}" || true
  cat "$work"/mem-load-*.txt | sed 's/^/  /'
  for bff in web mobile public; do kill "${mem_pid[$bff]}"; done
  cat >>"$report" <<EOF
The three BFFs side by side on CPU 0 with \`-Xmx256m ${MEM_JVM_GC}\` (one CPU; 768 MiB is the memory limit of the
chart's pods, under which the JVM picks SerialGC and a small initial heap), each at a
steady open-loop load that the one CPU they share serves without shedding (web order page
40/s, mobile status card 40/s, partner v2 order 30/s, different ids) for ${MEM_SECONDS} s; RSS from /proc, heap after a full GC
(\`jcmd GC.run\`, \`GC.heap_info\`), sampled 15 s in, halfway and 10 s before the end.

| BFF | RSS start | RSS middle | RSS end | heap after GC start / middle / end |
|---|---|---|---|---|
EOF
  for bff in web mobile public; do
    read -r s_rss s_heap <<<"${at_start[$bff]}"; read -r m_rss m_heap <<<"${at_middle[$bff]}"; read -r e_rss e_heap <<<"${at_end[$bff]}"
    echo "| bff-$bff | $s_rss MiB | $m_rss MiB | $e_rss MiB | $s_heap / $m_heap / $e_heap MiB |" >>"$report"
    echo "  bff-$bff RSS $s_rss / $m_rss / $e_rss MiB, heap after GC $s_heap / $m_heap / $e_heap MiB"
  done
  echo >>"$report"
  echo "Target: RSS ≤ 400 MiB per BFF and no growth from middle to end. Load results:" >>"$report"
  echo >>"$report"
  sed 's/^/    /' "$work"/mem-load-*.txt >>"$report"
fi

# ---------------------------------------------------------------- links
if has links; then
  section "Per-link cost: each link of the edge pipeline, in memory (JMH)"
  # Ten warm-up seconds each: on one CPU the JIT compiles alongside the benchmark, and three
  # one-second warm-ups left the baseline still falling from 321 to 15 µs per operation.
  links_args=(-f 1 -wi 10 -i 5 -w 1s -r 2s -prof gc EdgeLinkBenchmark)
  [ "${QUICK:-}" = 1 ] && links_args=(-f 1 -wi 1 -i 1 -w 1s -r 1s -prof gc EdgeLinkBenchmark)
  taskset -c 0 gateway-core/bench.sh "${links_args[@]}" >"$work/links.txt" 2>&1 || { tail -n 30 "$work/links.txt" >&2; exit 1; }
  {
    echo "\`gateway-core/bench.sh ${links_args[*]}\` on CPU 0 (gateway-core's \`EdgeLinkBenchmark\`: each"
    echo "benchmark runs one real link, or Spring Security's whole chain, on the same mock request in front"
    echo "of a route that answers nothing; the links are built as their auto-configurations build them,"
    echo "with bff-web's settings, and the security chain verifies a real RS256 token against a key set in"
    echo "memory, once, then from the edge's verified-token cache, as for a repeat caller). A link's cost is"
    echo "its difference from its baseline: \`baseline\` (the request and the route alone),"
    echo "\`baselineBearer\` (the same with the signed token) for the security rows, \`baseline200\` (the route"
    echo "writes a 200 with a body) for the response cache. \`pipeline\` and \`webFilterChain\` run ten no-op"
    echo "links through the edge pipeline and through Spring's web filter chain. The route link has no row:"
    echo "it is the handler itself, measured end to end by the scenarios above."
    echo
    echo "| benchmark | baseline | ns per request | − baseline | bytes allocated per request | − baseline |"
    echo "|---|---|---|---|---|---|"
    awk '$1 ~ /^EdgeLinkBenchmark\./ { a = 0; for (i = 2; i <= NF; i++) if ($i == "avgt") a = i; if (!a) next
        name = $1; sub(/^EdgeLinkBenchmark\./, "", name)
        if (name ~ /:gc\.alloc\.rate\.norm$/) { sub(/:.*/, "", name); bytes[name] = $(a + 2) }
        else if (name !~ /:/) { ns[name] = $(a + 2); order[++n] = name } }
      function base(k) { if (k ~ /^baseline/) return ""
          if (k ~ /^(authentication|authorization|securityChainBearer)$/) return "baselineBearer"
          if (k ~ /^responseCache/) return "baseline200"; return "baseline" }
      END { for (i = 1; i <= n; i++) { k = order[i]; b = base(k)
          if (b == "") printf "| %s | — | %.0f | — | %.0f | — |\n", k, ns[k], bytes[k]
          else printf "| %s | %s | %.0f | %+.0f | %.0f | %+.0f |\n", k, b, ns[k], ns[k] - ns[b], bytes[k], bytes[k] - bytes[b] } }' \
      "$work/links.txt"
    echo
    echo '```'
    sed -n '/^Benchmark/,$p' "$work/links.txt"
    echo '```'
  } >>"$report"
  sed -n '/^Benchmark/,$p' "$work/links.txt" | grep -v ':gc\.' | head -40
fi

# ---------------------------------------------------------------- engine
if has engine; then
  section "Engine: the composition runtime alone (JMH)"
  jmh_args=(-f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc CompositionBenchmark)
  [ "${QUICK:-}" = 1 ] && jmh_args=(-f 1 -wi 1 -i 1 -w 1s -r 1s CompositionBenchmark)
  taskset -c 0 composition/bench.sh "${jmh_args[@]}" >"$work/jmh.txt" 2>&1 || { tail -n 30 "$work/jmh.txt" >&2; exit 1; }
  {
    echo "\`composition/bench.sh ${jmh_args[*]}\` on CPU 0 (in-memory sources, no network):"
    echo
    echo '```'
    sed -n '/^Benchmark/,$p' "$work/jmh.txt"
    echo '```'
  } >>"$report"
  sed -n '/^Benchmark/,$p' "$work/jmh.txt" | head -20
fi

# ---------------------------------------------------------------- write docs/benchmarks.md
cpu=$(awk -F: '/model name/ {sub(/^ /, "", $2); print $2; exit}' /proc/cpuinfo)
jdk=$(java -version 2>&1 | head -1)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run.sh\` (see [the README](../README.md#benchmarks)); rerun it to update this page."
  echo "Figures are for this machine only; the ratios, measured in the same run, are what to compare."
  echo "Where the edge's cost per request goes, and what would reach the targets it misses:"
  echo "[edge-cost.md](edge-cost.md)."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| run | $started → $(date -u '+%H:%M UTC') |"
  echo "| commit | \`$commit\` |"
  echo "| load average (1, 5, 15 min) | at the start $load_at_start; at the end $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "| scenarios | $SCENARIOS$([ "${QUICK:-}" = 1 ] && echo ' (QUICK=1: short windows, not for comparison)') |"
  echo "| machine | $cpu, $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB |"
  echo "| JDK | $jdk |"
  echo "| JVM flags (system under test) | \`${JVM[*]}\`, pinned to CPU 0 |"
  echo "| load and providers | CPU 1: wrk 4.1 (closed loop, $CONNECTIONS connections, ${WARMUP} s warm-up, then ${DURATION} s windows until two agree within 3%), bench/tools \`load\` (open loop), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') |"
  cat "$report"
} >docs/benchmarks.md
echo
echo "Wrote docs/benchmarks.md"
