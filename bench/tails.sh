#!/usr/bin/env bash
# bench/tails.sh: tail latency of the order page with and without hedged calls, in one run
# on one machine. Prints a Markdown table (p50, p99, p99.9 and provider calls per page)
# and writes it to $OUT (default: a temporary file, printed at the end). Not a test:
# nothing here asserts; the target is printed next to the figures.
#
# Needs (Debian): apt-get install util-linux procps curl   and a JDK 17+.
#
#   bench/tails.sh                  # about 10 minutes: 3 runs of 2 x 20 s warm-up + 120 s
#   QUICK=1 bench/tails.sh          # short windows: checks the script, not the figures
#   SKIP_BUILD=1 bench/tails.sh     # reuse the jars already built
#   RATE=20 DURATION=120 bench/tails.sh   # the defaults
#   RUNS="off all" bench/tails.sh          # some of the runs (off, shipped, all)
#
# The providers (bench/tools "providers", Reactor Netty) answer the seeds of the stubs
# module with a heavy tail: each call takes 10 ms, or 300 ms with probability 5%
# (--delay=...:10ms --tail=0.05:300ms), independently per call. The order page makes six
# calls (order, then ticket, delivery, bill, restaurant and consumer in parallel), so
# about 26% of pages meet at least one slow call. Calls are counted by the providers
# (/__calls) per run.
#
# Three runs of bff-web, same providers, same load (open loop, a different order id on
# every request so nothing is collapsed):
#   off      no hedging (the shipped hedges of kitchen and delivery pushed past the
#            timeout, so never sent)
#   shipped  bff-web as shipped: kitchen and delivery hedged after p95, floor 100 ms
#   all      every provider (all six calls are GETs) hedged after p90 ($ALL_AFTER), floor
#            20 ms, budget 10%
#
# CPU 0 runs bff-web; CPU 1 the providers, the identity provider and the load generator.
# Ports 20200-20299 only (none of the demo ports nor bench/run.sh's).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${QUICK:-}" = 1 ]; then
  WARMUP=${WARMUP:-5}; DURATION=${DURATION:-10}
else
  WARMUP=${WARMUP:-20}; DURATION=${DURATION:-120}
fi
RATE=${RATE:-20}
# The delay of the "all" run. With exactly 5% of slow calls, p95 sits on the border between
# the fast and the slow calls and flips between them (measured: no gain at p99); p90 is
# inside the fast ones, so the floor decides.
ALL_AFTER=${ALL_AFTER:-p90}
ALL_MAX_EXTRA=${ALL_MAX_EXTRA:-1}
FAST=${FAST:-10ms}
TAIL=${TAIL:-0.05:300ms}
JVM=(-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ActiveProcessorCount=1 -Dreactor.netty.ioWorkerCount=1)

for tool in taskset curl java; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install util-linux procps curl; a JDK 17+)" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (one for bff-web, one for load and providers)" >&2; exit 1; }

. bench/lib.sh
bench_build
bench_workdir
OUT=${OUT:-$work/tails.md}

sut=20200 sut_mgmt=20201 idp=20290
declare -A provider_port=([order]=20211 [kitchen]=20212 [delivery]=20213 [accounting]=20214 [consumer]=20215 [restaurant]=20216)
ports=""; for id in "${!provider_port[@]}"; do ports+="$id:${provider_port[$id]},"; done; ports=${ports%,}
delays=""; for id in "${!provider_port[@]}"; do delays+="$id:$FAST,"; done; delays=${delays%,}
provider_urls=(); for id in "${!provider_port[@]}"; do provider_urls+=("--edge.providers.$id.url=http://127.0.0.1:${provider_port[$id]}"); done

wait_for() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "not up: $1" >&2; return 1; }

# The dev identity provider, for a token (its own stub providers are not used).
taskset -c 1 java -jar "$stubs_jar" --identity-port=$idp --order-port=20281 --kitchen-port=20282 \
  --delivery-port=20283 --accounting-port=20284 --consumer-port=20285 --restaurant-port=20286 \
  >"$work/logs/identity.log" 2>&1 &
pids+=($!)
# The heavy-tailed providers.
taskset -c 1 java -Xmx256m -jar "$tools_jar" providers --seeds=stubs/src/main/resources/wiremock \
  --ports="$ports" --delay="$delays" --tail="$TAIL" >"$work/logs/providers.log" 2>&1 &
pids+=($!)
wait_for "http://localhost:$idp/.well-known/openid-configuration"
wait_for "http://localhost:$idp/oauth2/jwks"
wait_for "http://127.0.0.1:${provider_port[order]}/__calls"
token=$(curl -s -X POST "localhost:$idp/oauth2/token" -d grant_type=password -d username=alice -d password=password \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

edge_common=(--server.port=$sut --management.server.port=$sut_mgmt --logging.level.io.ftgo.edge.access=WARN
  --edge.security.jwt.issuer-uri=http://localhost:$idp --edge.security.jwt.jwks-timeout=10s
  --edge.rate-limit.tiers.default.limit=10000000 --edge.rate-limit.tiers.default.window=1s
  "${provider_urls[@]}")
never=(--edge.providers.kitchen.hedge.after=60s --edge.providers.delivery.hedge.after=60s)
all=()
for id in "${!provider_port[@]}"; do
  all+=(--edge.providers.$id.hedge.after=$ALL_AFTER --edge.providers.$id.hedge.floor=20ms
    --edge.providers.$id.hedge.max-extra=$ALL_MAX_EXTRA --edge.providers.$id.hedge.budget=0.1)
done

total_calls() { curl -fsS "http://127.0.0.1:${provider_port[order]}/__calls" | tr -d '{}"' | tr ',' '\n' \
  | awk -F: '{ s += $2 } END { print s + 0 }'; }
hedges() { curl -fsS "http://127.0.0.1:$sut_mgmt/actuator/prometheus" \
  | awk -v o="$1" '/^edge_composition_hedges_total/ && $0 ~ "outcome=\"" o "\"" { s += $2 } END { printf "%d", s }'; }

declare -A line calls sent won refused
run() { # label edge-args...
  local label=$1; shift
  taskset -c 0 java "${JVM[@]}" -jar "$web_jar" "${edge_common[@]}" "$@" >"$work/logs/edge-$label.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_for "http://127.0.0.1:$sut_mgmt/actuator/health/readiness"
  # Warm-up (gently first: a cold JVM on a busy CPU is slow enough to open the order
  # provider's breaker), then count calls over the measured window only.
  taskset -c 1 java -Xmx512m -jar "$tools_jar" load --label="$label" --url="http://127.0.0.1:$sut/api/web/orders/{id}" \
    --ids=10000-99999 --rate=5 --duration="${WARMUP}s" --header="Authorization: Bearer $token" \
    >/dev/null 2>>"$work/logs/load.log"
  taskset -c 1 java -Xmx512m -jar "$tools_jar" load --label="$label" --url="http://127.0.0.1:$sut/api/web/orders/{id}" \
    --ids=10000-99999 --rate="$RATE" --duration="${WARMUP}s" --header="Authorization: Bearer $token" \
    >/dev/null 2>>"$work/logs/load.log"
  curl -fsS -o /dev/null "http://127.0.0.1:${provider_port[order]}/__reset"
  local s0 w0 r0; s0=$(hedges sent); w0=$(hedges won); r0=$(hedges refused)
  line[$label]=$(taskset -c 1 java -Xmx512m -jar "$tools_jar" load --label="$label" \
    --url="http://127.0.0.1:$sut/api/web/orders/{id}" --ids=10000-99999 --rate="$RATE" --duration="${DURATION}s" \
    --header="Authorization: Bearer $token" 2>>"$work/logs/load.log")
  calls[$label]=$(total_calls)
  sent[$label]=$(( $(hedges sent) - s0 )); won[$label]=$(( $(hedges won) - w0 )); refused[$label]=$(( $(hedges refused) - r0 ))
  echo "  ${line[$label]} calls=${calls[$label]} hedges sent=${sent[$label]} won=${won[$label]} refused=${refused[$label]}"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "== tails: $RATE pages/s, ${WARMUP}s warm-up + ${DURATION}s measured per run; calls $FAST, tail $TAIL"
RUNS=${RUNS:-off shipped all}
for r in $RUNS; do
  case $r in
    off) run off "${never[@]}" ;;
    shipped) run shipped ;;
    all) run all "${all[@]}" ;;
    *) echo "unknown run: $r (expected: off, shipped, all)" >&2; exit 1 ;;
  esac
done

field() { sed -E "s/.* $2=([0-9.]+).*/\1/" <<<"${line[$1]:-}"; }
ok() { sed -E 's/.* 2xx=([0-9]+).*/\1/' <<<"${line[$1]:-}"; }
per_page() { awk -v c="${calls[$1]:-0}" -v n="$(ok "$1")" 'BEGIN { if (n > 0) printf "%.3f", c / n; else printf "n/a" }'; }
extra() { awk -v c="${calls[$1]:-0}" -v b="${calls[off]:-0}" -v n="$(ok "$1")" -v nb="$(ok off)" \
  'BEGIN { if (n > 0 && nb > 0 && b > 0) printf "%+.1f%%", ((c / n) / (b / nb) - 1) * 100; else printf "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "n/a" }'; }
statuses() { sed -E 's/.* statuses=(.*)$/\1/' <<<"${line[$1]:-}"; }

describe() { case $1 in off) echo "off: no hedging" ;; shipped) echo "shipped: kitchen + delivery, p95, floor 100 ms, budget 5%" ;;
  all) echo "all six providers: $ALL_AFTER, floor 20 ms, max-extra $ALL_MAX_EXTRA, budget 10%" ;; esac; }
rows() {
  for r in $RUNS; do
    local x="—"; [ "$r" != off ] && x=$(extra "$r")
    echo "| $(describe "$r") | $(field "$r" p50) | $(field "$r" p99) | $(field "$r" p999) | $(per_page "$r") | $x | ${sent[$r]} / ${won[$r]} / ${refused[$r]} | \`$(statuses "$r")\` |"
  done
}

cat >"$OUT" <<EOF
Run: $started, $(nproc) CPUs ($(uname -m)), $(java -version 2>&1 | head -1). bff-web on CPU 0
(\`${JVM[*]}\`), providers, identity provider and load generator on CPU 1. Open loop, $RATE
order pages/s (\`GET /api/web/orders/{id}\`, alice's token, a random order id per request),
${WARMUP} s warm-up at 5/s and ${WARMUP} s at $RATE/s, then ${DURATION} s measured per run. Every provider call takes $FAST, or
${TAIL#*:} with probability ${TAIL%%:*} (independently per call). Latency from the scheduled
send time (no coordinated omission), milliseconds.

| run | p50 | p99 | p99.9 | provider calls per page | extra calls vs off | hedges sent / won / refused | answers by status |
|---|---|---|---|---|---|---|---|
$(rows)

| measure | value | target |
|---|---|---|
| p99 off / p99 all | $(ratio "$(field off p99)" "$(field all p99)")x | ≥ 3x |
| p99.9 off / p99.9 all | $(ratio "$(field off p999)" "$(field all p999)")x | — |
| extra provider calls (all) | $(extra all) | ≤ +10% |
EOF
echo
cat "$OUT"
