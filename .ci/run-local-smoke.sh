#!/usr/bin/env bash
# Smoke test of the README's run command, after the tests have packaged the jars:
# starts ./run-local.sh (SKIP_BUILD=1) in a session of its own, waits until it prints its
# examples, runs every example of run-local-examples.txt and checks its HTTP status,
# stops run-local.sh as Ctrl-C would, then checks that every process it started is gone
# and its ports are free. Bounded: READY_TIMEOUT for start-up, STOP_TIMEOUT for the stop.
set -euo pipefail
cd "$(dirname "$0")/.."

READY_TIMEOUT=${READY_TIMEOUT:-300}
STOP_TIMEOUT=${STOP_TIMEOUT:-60}
PORTS="9081 9082 9083 9084 9085 9086 9087 9187 9090 8081 8082 8083 8091 8092 8093"
log=$(mktemp -t run-local-smoke.XXXXXX)
failures=0

# setsid: run-local.sh and everything it starts share one session id, so "every process
# it started" is exactly the processes of that session.
setsid env SKIP_BUILD=1 READY_SECONDS="$READY_TIMEOUT" ./run-local.sh >"$log" 2>&1 </dev/null &
pid=$!
sleep 1
sid=$(ps -o sid= -p "$pid" | tr -d " ")
[ "$sid" = "$pid" ] || { echo "run-local smoke: setsid did not give run-local.sh its own session" >&2; exit 1; }
echo "run-local smoke: started ./run-local.sh (pid $pid, session $sid), log $log"

session_pids() { ps -eo pid=,sid= | awk -v sid="$sid" '$2 == sid { print $1 }'; }

stop() {
  kill -TERM "$pid" 2>/dev/null || true # what Ctrl-C does: run-local.sh's trap stops its children
  for _ in $(seq 1 "$STOP_TIMEOUT"); do
    [ -z "$(session_pids)" ] && return 0
    sleep 1
  done
  echo "run-local smoke: FAILED: still running ${STOP_TIMEOUT}s after the stop:" >&2
  ps -o pid,args -p "$(session_pids | paste -sd,)" >&2 || true
  for p in $(session_pids); do kill -KILL "$p" 2>/dev/null || true; done
  return 1
}
trap 'stop || true' EXIT
trap 'exit 1' TERM INT

for i in $(seq 1 "$READY_TIMEOUT"); do
  grep -q "Press Ctrl-C to stop everything." "$log" && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "run-local smoke: FAILED: run-local.sh exited before it was ready:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if [ "$i" = "$READY_TIMEOUT" ]; then
    echo "run-local smoke: FAILED: not ready after ${READY_TIMEOUT}s:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "run-local smoke: ready after ~${i}s"

# The examples, exactly as printed (run-local-examples.txt).
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    '#'* | '') continue ;;
    set:*)
      eval "${line#set: }"
      ;;
    [0-9][0-9][0-9]:*)
      expected=${line%%:*}
      command=${line#*: }
      actual=$(eval "$command --max-time 20 -o /dev/null -w '%{http_code}'" || true)
      if [ "$actual" = "$expected" ]; then
        echo "  ok   $expected  $command"
      else
        echo "  FAIL expected $expected, got ${actual:-no answer}: $command" >&2
        failures=$((failures + 1))
      fi
      ;;
    *)
      echo "  FAIL unknown line in run-local-examples.txt: $line" >&2
      failures=$((failures + 1))
      ;;
  esac
done < run-local-examples.txt
[ -n "${TOKEN:-}" ] && [ "${TOKEN#*.}" != "$TOKEN" ] || { echo "  FAIL no token from the identity provider" >&2; failures=$((failures + 1)); }

trap - EXIT TERM INT
if stop; then
  echo "run-local smoke: stopped; no process of session $sid is left"
else
  failures=$((failures + 1))
fi
for port in $PORTS; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run-local smoke: FAILED: port $port still answers after the stop" >&2
    failures=$((failures + 1))
  fi
done

if [ "$failures" -ne 0 ]; then
  echo "run-local smoke: $failures failure(s); run-local.sh output:" >&2
  tail -n 60 "$log" >&2
  exit 1
fi
rm -f "$log"
echo "run-local smoke: every example answered as expected"
