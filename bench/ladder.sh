#!/usr/bin/env bash
# The throughput ladder (README, "Performance" → "Throughput"): requests/s
# of the bare axum endpoint, then of Linli's server answering the same body
# with one more part of a request's work at each rung, then of the real
# endpoints without and with the read memory (`Db::read_through`). Release
# builds of `hello` and `ladder` (linli-bench) must exist; wrk as in
# scripts/bench.sh (2 threads, 32 connections, 10 s, loopback).
#
#   bench/ladder.sh [hello-port] [ladder-port]     (defaults 4170, 4171)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin="$CARGO_TARGET_DIR/release"
hello_port=${1:-4170}
port=${2:-4171}
secs=${LADDER_SECS:-10}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

"$bin/hello" "127.0.0.1:$hello_port" &
hello_pid=$!
pids+=($hello_pid)
# CPU seconds a process has used (user + system), from /proc.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

start() { # memory: on|off
  LINLI_READ_MEMORY=$1 LINLI_DB=mem:// LINLI_DEMO=1 LINLI_DEMO_HISTORY=0 LINLI_ADDR=127.0.0.1:$port \
    LINLI_MEDIA_DIR="$(mktemp -d)" LINLI_CODE_KEY=ladder-ladder-ladder-ladder-ladder-00 LINLI_LOG=warn \
    LINLI_GATE_LIMIT_PER_MINUTE=100000000 LINLI_FILINGS_PER_HOUR=100000000 "$bin/ladder" &
  server=$!
  pids+=($server)
  base=http://127.0.0.1:$port
  for _ in $(seq 1 150); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  resident=$(token 13800000001); guard=$(token 13600000001)
  code=$(curl -fsS -X POST "$base/api/v1/passes" -H "Authorization: Bearer $resident" -H 'content-type: application/json' \
    -d '{"visitor_name":"压测","max_entries":20}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }
token() { curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"phone\":\"$1\",\"password\":\"linli-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

wrk_rps() { # pid url script [env...]: prints "rps p50 p99 errors cpu-µs-per-request"
  local pid=$1 url=$2 script=$3; shift 3
  local before; before=$(cpu "$pid")
  local res; res=$(env "$@" wrk -t2 -c32 -d"${secs}s" --latency -s "bench/wrk/$script" "$url" 2>&1)
  local after; after=$(cpu "$pid")
  local n; n=$(awk '/requests in/ {print $1}' <<<"$res")
  local errs; errs=$(awk '/Non-2xx|Socket errors/ {s=s $0 " "} END {print (s=="" ? "0" : s)}' <<<"$res")
  local us; us=$(python3 -c "print(f'{1e6*($after-$before)/max($n,1):.1f}')")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$res") $(awk '$1=="50%" {print $2}' <<<"$res") $(awk '$1=="99%" {print $2}' <<<"$res") ${errs// /_} $us"
}
# Every row is measured right after its own run of the bare endpoint, and
# compared with that: on a shared machine the load of other work drifts.
run() { # name url script [env...]
  local name=$1 url=$2 script=$3; shift 3
  local hello hus; read -r hello _ _ _ hus <<<"$(wrk_rps "$hello_pid" "http://127.0.0.1:$hello_port/hello" get.lua)"
  local rps p50 p99 errs us; read -r rps p50 p99 errs us <<<"$(wrk_rps "$server" "$url" "$script" "$@")"
  local ratio; ratio=$(python3 -c "print(f'{100*$rps/max($hello,1):.1f} %')")
  local cratio; cratio=$(python3 -c "print(f'{100*$hus/max($us,0.001):.1f} %')")
  echo "| $name | ${rps%.*} | $p50 | $p99 | ${errs//_/ } | ${hello%.*} | $ratio | $us | $hus | $cratio |"
}

# The server's CPU time per request (from /proc) is the steadier figure
# when other work shares the machine: its ratio is the one a quiet machine
# would show in requests/s, since the server is CPU-bound on its core.
echo "| rung | requests/s | p50 | p99 | errors | hello just before | vs hello | server CPU µs/request | hello's | vs hello (CPU) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
start off
run "Linli's connection handling, no middleware" "$base/api/rung/bare" get.lua
run "+ full middleware stack" "$base/api/rung/stack" get.lua
run "+ session extractor (cached session)" "$base/api/rung/auth" get.lua TOKEN="$resident"
run "+ one trivial statement (RETURN 1)" "$base/api/rung/db" get.lua TOKEN="$resident"
run "/healthz (one statement, no session)" "$base/healthz" get.lua
run "resident's job list, read memory off" "$base/api/v1/repairs" get.lua TOKEN="$resident"
run "verify a pass, read memory off" "$base/api/v1/gate/verify" post.lua TOKEN="$guard" BODY="{\"code\":\"$code\"}"
stop
start on
run "resident's job list" "$base/api/v1/repairs" get.lua TOKEN="$resident"
run "verify a pass" "$base/api/v1/gate/verify" post.lua TOKEN="$guard" BODY="{\"code\":\"$code\"}"
stop
