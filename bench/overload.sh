#!/usr/bin/env bash
# bench/overload.sh: the edge under overload, with and without the adaptive concurrency
# limits (the BFF-wide edge.concurrency and the per-provider edge.providers.<id>.concurrency,
# docs/load-shedding.md), in one run on the same machine. Prints a
# Markdown table (and writes it to $OUT). Not a test: nothing here asserts; the targets are
# printed next to the figures.
#
# Needs (Debian): apt-get install wrk util-linux curl   and a JDK 17+.
#
#   bench/overload.sh                    # about 6 minutes
#   SKIP_BUILD=1 bench/overload.sh       # reuse the jars already built
#   QUICK=1 bench/overload.sh            # short windows: checks the script, not the figures
#   PIN=0 bench/overload.sh              # no CPU pinning (a machine shared with other work)
#   MODES="off on" bench/overload.sh     # default "off bff on":
#                                        #   off: no concurrency limit at all;
#                                        #   bff: the BFF-wide limit alone (edge.concurrency, gradient2)
#                                        #        with the old floor, min-limit 20 (as the old "on");
#                                        #   on: what ships: the BFF-wide limit with bff-web's floor
#                                        #        (min-limit 200) and the per-provider limit on the bench
#                                        #        provider with the shipped providers' settings
#                                        #        ($PROVIDER_LIMIT below; interactive 80 / prefetch 20);
#                                        #   vegas: the BFF-wide limit alone with algorithm vegas
#   PROVIDER_LIMIT="tolerance=1.5 smoothing=0.2" MODES=on bench/overload.sh
#                                        # the per-provider limit with other settings (keys under
#                                        # edge.providers.bench.concurrency; they replace the shipped ones)
#   SCENARIOS="overload" bench/overload.sh   # default "overload retry-storm expired"
#
# Two more scenarios, each with a table and its target (docs/load-shedding.md):
# - retry-storm: the provider answers 503 at random to FAIL_RATE (0.3) of calls, below its
#   breaker's threshold (50%), for STORM_DURATION (60 s) at STORM_RATE (R = 50) requests a
#   second, retry.max-attempts 3; provider calls per request with the retry budget (the
#   default) and without it (retry.budget.enabled=false). Target: <= 1.2 + 10/R with it.
# - expired: a provider answering in EXPIRED_SERVICE (150 ms) behind a deadline of
#   EXPIRED_DEADLINE (100 ms, the provider's timeout); the provider counts the calls that
#   reached it after their deadline (X-Request-Deadline-Ms of 0 or less) and those a worker
#   started after it, with the breaker widened so that every request sends its call.
#   Target: 0 sent after their deadline.
#
# The system: bff-web (the shipped jar and YAML: partitions interactive 80% / prefetch 20%,
# gradient2) with one proxied route to a provider of finite capacity (bench/tools
# overload-provider: WORKERS requests served at a time for SERVICE each, the rest queued
# FIFO, and a request whose caller has gone is still served). Capacity is measured first
# (wrk, closed loop, limiter off). Then, for each mode: an unloaded run at half the
# capacity (its warm-up at least LIMIT_WARMUP + 15 s, so the limits' warm-up, 30 s as
# shipped, is over and the algorithms have learnt the unloaded latency before the load
# rises), and open-loop runs (bench/tools overload: constant arrival rate, latency from
# when each request was due) at 2x and 4x the capacity; half the requests are high
# priority (interactive), half low priority (X-Prefetch: 1).
#
# CPU 0 runs the edge; CPU 1 the provider, the identity provider and the load. Ports
# 20300-20399 only; everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-16}
SERVICE=${SERVICE:-200ms}
DEADLINE=${DEADLINE:-1s}
LOW_SHARE=${LOW_SHARE:-0.5}
if [ "${QUICK:-}" = 1 ]; then
  WARMUP=${WARMUP:-5}; DURATION=${DURATION:-5}
else
  WARMUP=${WARMUP:-15}; DURATION=${DURATION:-30}
fi
OUT=${OUT:-$(mktemp -t overload-XXXX.md)}
PIN=${PIN:-1}
JVM=(-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)
cpu0=(taskset -c 0) cpu1=(taskset -c 1)
if [ "$PIN" != 1 ]; then
  # Unpinned, the edge may use both CPUs (two event loops).
  cpu0=() cpu1=()
  JVM=(-Xms512m -Xmx512m -XX:+UseParallelGC -Dreactor.netty.ioWorkerCount=2)
fi

STORM_RATE=${STORM_RATE:-50}
FAIL_RATE=${FAIL_RATE:-0.3}
EXPIRED_SERVICE=${EXPIRED_SERVICE:-150ms}
EXPIRED_DEADLINE=${EXPIRED_DEADLINE:-100ms}
if [ "${QUICK:-}" = 1 ]; then STORM_DURATION=${STORM_DURATION:-5}; else STORM_DURATION=${STORM_DURATION:-60}; fi
SCENARIOS=${SCENARIOS:-overload retry-storm expired}

for tool in wrk taskset curl java; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install wrk util-linux curl; a JDK 17+)" >&2; exit 1; }
done

. bench/lib.sh
bench_build
bench_workdir
sut=20300 sut_mgmt=20301 provider=20310 identity=20390

wait_for() { for _ in $(seq 1 180); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "not up: $1" >&2; return 1; }

# The dev identity provider: bff-web needs an issuer to start (its stub providers are unused).
"${cpu1[@]}" java -Xmx256m -jar "$stubs_jar" --identity-port=$identity --order-port=20381 --kitchen-port=20382 \
  --delivery-port=20383 --accounting-port=20384 --consumer-port=20385 --restaurant-port=20386 \
  >"$work/identity.log" 2>&1 &
pids+=($!)

provider_pid=
start_provider() { # [workers service fail-rate]
  "${cpu1[@]}" java -Xmx512m -jar "$tools_jar" overload-provider --port=$provider --workers="${1:-$WORKERS}" \
    --service="${2:-$SERVICE}" --fail-rate="${3:-0}" >"$work/provider.log" 2>&1 &
  provider_pid=$!; pids+=($provider_pid)
  wait_for "http://127.0.0.1:$provider/__calls"
}
stop_provider() { kill "$provider_pid" 2>/dev/null || true; wait "$provider_pid" 2>/dev/null || true; }

# The per-provider limit of mode "on": the settings every provider of the shipped BFFs gets
# (edge.providers.*.concurrency in bff-web/src/main/resources/application.yaml; keep the two in
# step), on the bench provider. PROVIDER_LIMIT (words such as tolerance=1.5, keys under
# edge.providers.bench.concurrency) replaces some of them, for experiments.
shipped_provider_limit=()
for setting in enabled=true initial-limit=64 min-limit=8 max-limit=64 tolerance=1.0 queue-size=2 \
    smoothing=1.0 partitions.interactive=80 partitions.prefetch=20 ${PROVIDER_LIMIT:-}; do
  # a later word for the same key replaces the earlier one (a repeated argument would be joined)
  key=${setting%%=*}
  for i in "${!shipped_provider_limit[@]}"; do
    [[ ${shipped_provider_limit[$i]} == "--edge.providers.bench.concurrency.$key="* ]] && unset "shipped_provider_limit[$i]"
  done
  shipped_provider_limit+=("--edge.providers.bench.concurrency.$setting")
done
LIMIT_WARMUP=${LIMIT_WARMUP:-30}   # the limits' warm-up as shipped (edge.concurrency.warm-up)

url=http://127.0.0.1:$sut/bench/orders/7001
sut_pid=
start_edge() { # off | bff | on | vegas, then extra options
  local mode=$1 limiter=(--edge.concurrency.enabled=false) access=WARN
  shift
  case $mode in
    # the BFF-wide limit alone, with the floor it had before per-provider limits shipped
    bff) limiter=(--edge.concurrency.enabled=true --edge.concurrency.min-limit=20
        --edge.concurrency.initial-limit=100); access=INFO ;;
    on) limiter=(--edge.concurrency.enabled=true "${shipped_provider_limit[@]}"); access=INFO ;;
    vegas) limiter=(--edge.concurrency.enabled=true --edge.concurrency.algorithm=vegas); access=INFO ;;
    off) ;;
    *) echo "unknown mode: $mode (expected off, bff, on or vegas)" >&2; exit 1 ;;
  esac
  # The route's provider (edge.providers.bench): its deadline (timeout = the load's deadline),
  # breaker, bulkhead and retries, as any proxied route's.
  limiter+=(--edge.providers.bench.url=http://127.0.0.1:$provider --edge.providers.bench.timeout="${EDGE_TIMEOUT:-$DEADLINE}" "$@")
  # With the limiter, the access log (one JSON line per request) gives the edge's own time
  # for each 503.
  "${cpu0[@]}" java "${JVM[@]}" -jar "$web_jar" --server.port=$sut --management.server.port=$sut_mgmt \
    --logging.level.io.ftgo.edge.access=$access --edge.security.jwt.issuer-uri=http://localhost:$identity \
    --edge.rate-limit.enabled=false \
    "--edge.security.rules[0].path=/bench/**" "--edge.security.rules[0].permit-all=true" \
    "--spring.cloud.gateway.server.webflux.routes[0].id=bench" \
    "--spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:$provider" \
    "--spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/bench/**" \
    "${limiter[@]}" \
    >"$work/edge-$mode.log" 2>&1 &
  sut_pid=$!; pids+=($sut_pid)
  wait_for "http://127.0.0.1:$sut_mgmt/actuator/health/readiness" || { tail -n 40 "$work/edge-$mode.log" >&2; exit 1; }
}
stop_edge() { kill "$sut_pid" 2>/dev/null || true; wait "$sut_pid" 2>/dev/null || true; }

load() { # rate warmup-seconds [duration-seconds deadline low-share]
  "${cpu1[@]}" java -Xmx1g -jar "$tools_jar" overload --url="$url" --rate="$1" --warmup="${2}s" \
    --duration="${3:-$DURATION}s" --deadline="${4:-$DEADLINE}" --low-share="${5:-$LOW_SHARE}" --low-header="X-Prefetch: 1" \
    2>>"$work/load.log"
}
stats() { curl -fsS "http://127.0.0.1:$provider/__stats"; }
pstat() { sed -E "s/.*$1=([0-9]+).*/\1/" <<<"$2"; }
field() { sed -E "s/.* $2=([0-9.]+).*/\1/" <<<"$(grep "^$1 " <<<"$3")"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
if [[ " $SCENARIOS " == *" overload "* ]]; then
# ---- capacity: closed loop, limiter off
start_provider
start_edge off
# Capacity counts 2xx answers only, with twice the provider's workers in flight: the bench
# route has its provider's bulkhead, breaker and deadline, and with more in flight than the
# deadline can wait for, wrk would count the breaker's fast 503s as capacity.
"${cpu1[@]}" wrk -t1 -c$((WORKERS * 2)) -d"${WARMUP}s" "$url" >/dev/null
"${cpu1[@]}" wrk -t1 -c$((WORKERS * 2)) -d"${DURATION}s" "$url" >"$work/capacity.txt"
capacity=$(awk '/requests in/ { n = $1; d = $4; sub(/s,?$/, "", d) } /Non-2xx/ { bad = $5 }
  END { printf "%.0f", (n - bad) / d }' "$work/capacity.txt")
[ "$capacity" -gt 0 ] || { echo "no 2xx answers while measuring capacity" >&2; cat "$work/capacity.txt" >&2; exit 1; }
echo "capacity: $capacity req/s (provider: $WORKERS workers x $SERVICE = $(awk -v w="$WORKERS" -v s="${SERVICE%ms}" 'BEGIN { printf "%.0f", w * 1000 / s }') req/s)"
stop_edge; stop_provider

MODES=${MODES:-off bff on}
declare -A result
for mode in $MODES; do
  start_provider
  start_edge "$mode"
  for level in 0.5 2 4; do
    rate=$(awk -v c="$capacity" -v l="$level" 'BEGIN { printf "%.0f", c * l }')
    warm=3
    if [ "$level" = 0.5 ]; then
      warm=$WARMUP
      # past the limits' warm-up, with time to learn the unloaded latency
      [ "$mode" = off ] || [ "$warm" -ge $((LIMIT_WARMUP + 15)) ] || warm=$((LIMIT_WARMUP + 15))
    fi
    result[$mode,$level]=$(load "$rate" "$warm")
    echo "limiter $mode, ${level}x capacity ($rate req/s):"; sed 's/^/  /' <<<"${result[$mode,$level]}"
    sleep 3
  done
  prom=$(curl -s "http://127.0.0.1:$sut_mgmt/actuator/prometheus")
  limit=$(awk '/^edge_concurrency_limit\{/ {print $2}' <<<"$prom")
  result[$mode,limit]=${limit:-n/a}
  plimit=$(awk '/^edge_composition_concurrency_limit\{/ && /provider="bench"/ {print $2}' <<<"$prom")
  result[$mode,plimit]=${plimit:-n/a}
  # the edge's own duration of each 503 (access log, whole milliseconds)
  result[$mode,edge503]=$({ grep -o '"status":503[^}]*"duration_ms":[0-9]*' "$work/edge-$mode.log" || true; } \
    | sed -E 's/.*"duration_ms":([0-9]+)/\1/' | sort -n \
    | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
        i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
        printf "%d / %d / %d ms (%d)", v[i50], v[i99], v[NR], NR }')
  stop_edge; stop_provider
done

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(uname -m)); provider: $WORKERS workers x $SERVICE;"
  echo "capacity (wrk, $((WORKERS * 2)) connections, 2xx answers only, limiter off): **$capacity req/s**; deadline $DEADLINE; ${DURATION}s per run;"
  echo "half the requests high priority, half \`X-Prefetch: 1\`. CPU pinning: $([ "$PIN" = 1 ] && echo "edge on CPU 0, the rest on CPU 1" || echo none);"
  echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg). Command: \`$([ "$PIN" = 1 ] || echo "PIN=0 ")bench/overload.sh\`."
  echo
  echo "| limiter | load | goodput (2xx within $DEADLINE) | goodput / capacity | high: 2xx p99 | high p99 / unloaded | high shed | low shed | 503 at the client (p99 / max) | errors + other |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for mode in $MODES; do
    unloaded=$(field high ok_p99 "${result[$mode,0.5]}")
    for level in 0.5 2 4; do
      r=${result[$mode,$level]}
      good=$(( $(field high good "$r") + $(field low good "$r") ))
      goodput=$(awk -v g="$good" -v d="$DURATION" 'BEGIN { printf "%.0f", g / d }')
      sent=$(( $(field high sent "$r") + $(field low sent "$r") ))
      hp99=$(field high ok_p99 "$r")
      shed_p99=$(awk -v a="$(field high shed_p99 "$r")" -v b="$(field low shed_p99 "$r")" 'BEGIN { printf "%.2f", (a > b) ? a : b }')
      shed_max=$(awk -v a="$(field high shed_max "$r")" -v b="$(field low shed_max "$r")" 'BEGIN { printf "%.2f", (a > b) ? a : b }')
      bad=$(( $(field high errors "$r") + $(field low errors "$r") + $(field high other "$r") + $(field low other "$r") ))
      echo "| $mode | ${level}x ($(awk -v s="$sent" -v d="$DURATION" 'BEGIN { printf "%.0f", s / d }')/s) | $goodput/s | $(ratio "$goodput" "$capacity") | $hp99 ms | $(ratio "$hp99" "$unloaded") | $(field high shed "$r")/$(field high sent "$r") | $(field low shed "$r")/$(field low sent "$r") | $shed_p99 / $shed_max ms | $bad |"
    done
  done
  echo
  echo "Targets at 2x and 4x with what ships (on: the BFF-wide limit and the per-provider limit): goodput / capacity >= 0.8;"
  echo "high p99 / unloaded <= 2; 503 answered by the edge in < 5 ms. At 0.5x: nothing shed. bff and vegas are for comparison."
  echo
  echo "| limiter | limit at the end (edge_concurrency_limit) | provider limit at the end (edge_composition_concurrency_limit) | 503s: the edge's own time, p50 / p99 / max (count), access log |"
  echo "|---|---|---|---|"
  for mode in $MODES; do
    [ "$mode" = off ] || echo "| $mode | ${result[$mode,limit]} | ${result[$mode,plimit]} | ${result[$mode,edge503]} |"
  done
} | tee "$OUT"
fi

# ---- retry storm: FAIL_RATE of calls answered 503 at random, retry.max-attempts 3
if [[ " $SCENARIOS " == *" retry-storm "* ]]; then
  declare -A storm
  for budget in on off; do
    start_provider 256 20ms "$FAIL_RATE"
    # A count window of 200 calls: at 30% failing, the default 20 opens the breaker within
    # seconds (10 failures in 20 calls is about 5% likely at each call), and then nearly
    # nothing reaches the provider, budget or not.
    opts=(--edge.providers.bench.retry.max-attempts=3 --edge.providers.bench.circuit-breaker.sliding-window-size=200
      --edge.providers.bench.circuit-breaker.minimum-number-of-calls=200)
    [ "$budget" = off ] && opts+=(--edge.providers.bench.retry.budget.enabled=false)
    start_edge off "${opts[@]}"
    before=$(pstat calls "$(stats)")
    r=$(load "$STORM_RATE" 3 "$STORM_DURATION" 1s 0)
    after=$(stats)
    # the provider counts the 3 s warm-up's calls too: count its requests with the sent ones
    sent=$(( $(field high sent "$r") + $(field low sent "$r") + STORM_RATE * 3 ))
    calls=$(( $(pstat calls "$after") - before ))
    storm[$budget]="$sent $calls $(field high good "$r")"
    echo "retry storm, budget $budget: $sent requests, $calls provider calls"
    stop_edge; stop_provider
  done
  {
    echo
    echo "Retry storm, measured $(date -u '+%Y-%m-%d %H:%M UTC'): provider failing $FAIL_RATE of calls at random (503), ${STORM_DURATION}s at $STORM_RATE requests/s, retry.max-attempts 3."
    echo
    echo "| retry budget | requests | provider calls | calls per request | target |"
    echo "|---|---|---|---|---|"
    for budget in on off; do
      read -r sent calls good <<<"${storm[$budget]}"
      echo "| $budget | $sent | $calls | $(ratio "$calls" "$sent") | $([ "$budget" = on ] && awk -v r="$STORM_RATE" 'BEGIN { printf "<= %.2f", 1.2 + 10 / r }' || echo "-") |"
    done
  } | tee -a "$OUT"
fi

# ---- expired work: providers answering in EXPIRED_SERVICE behind a deadline of EXPIRED_DEADLINE
if [[ " $SCENARIOS " == *" expired "* ]]; then
  start_provider 256 "$EXPIRED_SERVICE" 0
  # Every call times out, so the provider's breaker (default: 50% of a 20-call window) would
  # open after its first calls and the rest would never be sent: widened past the scenario's
  # calls, so that every request sends one and the deadline alone decides.
  EDGE_TIMEOUT=$EXPIRED_DEADLINE start_edge off --edge.providers.bench.circuit-breaker.sliding-window-size=10000 \
    --edge.providers.bench.circuit-breaker.minimum-number-of-calls=10000
  r=$(load 20 3 "$DURATION" 1s 0)
  s=$(stats)
  stop_edge; stop_provider
  {
    echo
    echo "Expired work, measured $(date -u '+%Y-%m-%d %H:%M UTC'): provider answering in $EXPIRED_SERVICE, deadline $EXPIRED_DEADLINE (the provider's timeout), 20 requests/s for ${DURATION}s."
    echo
    echo "| requests | provider calls | sent after their deadline | started after their deadline | without a deadline header | target |"
    echo "|---|---|---|---|---|---|"
    echo "| $(( $(field high sent "$r") + $(field low sent "$r") )) | $(pstat calls "$s") | $(pstat expired_sent "$s") | $(pstat expired_started "$s") | $(pstat no_deadline "$s") | 0 sent after their deadline |"
  } | tee -a "$OUT"
fi
echo "written: $OUT"
