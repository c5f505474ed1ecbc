#!/usr/bin/env bash
# Reproduces Linli's figures (README: "Performance"), as one Markdown table:
# client weight, server throughput next to a bare axum endpoint, photos next
# to vipsthumbnail, the live stream at 10,000 connections, every daily
# endpoint on an empty and a generated database (the scale table), and the
# SIGKILL durability loop. Release builds.
#
#   scripts/bench.sh            full run (50 kill cycles)
#   KILL_CYCLES=5 scripts/bench.sh
#   SCALE_COMMUNITIES=5 SCALE_SECONDS=3 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --no-browser
command -v wrk >/dev/null && command -v vipsthumbnail >/dev/null && [[ -x /usr/bin/time ]] || {
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk libvips-tools time
}
# 10,000 streams need as many sockets on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cargo leptos build --release --precompress --split
cargo build --release -p linli-bench
bin="$CARGO_TARGET_DIR/release"
out=bench/results
mkdir -p "$out"
report="$out/latest.md"
: > "$report"
say() { printf '%s\n' "$*" | tee -a "$report"; }

port=3990
media=$(mktemp -d)
LINLI_DB=mem:// LINLI_DEMO=1 LINLI_DEMO_HISTORY=0 LINLI_ADDR=127.0.0.1:$port LINLI_MEDIA_DIR="$media" LINLI_LOG=warn \
  LINLI_GATE_LIMIT_PER_MINUTE=100000000 LINLI_FILINGS_PER_HOUR=100000000 "$bin/linli-server" &
server=$!
"$bin/hello" 127.0.0.1:3998 &
hello=$!
trap 'kill $server $hello 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

token() { curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"phone\":\"$1\",\"password\":\"linli-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
cookie() { curl -fsS -o /dev/null -D - -X POST "$base/forms/login" -d "phone=$1&password=linli-demo" \
  | sed -n 's/^set-cookie: \(linli_session=[^;]*\).*/\1/Ip'; }
resident=$(token 13800000001); guard=$(token 13600000001)
code=$(curl -fsS -X POST "$base/api/v1/passes" -H "Authorization: Bearer $resident" -H 'content-type: application/json' \
  -d '{"visitor_name":"压测","max_entries":20}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')

say "## Client weight"
say ""
python3 bench/weight.py "$base" "$(cookie 13800000001)" "$(cookie 13800000003)" "$(cookie 13600000001)" | tee -a "$report"
say ""

say "## Server throughput (wrk, 2 threads, 32 connections, 10 s each, loopback)"
say ""
say "| endpoint | requests/s | p50 | p99 | errors | vs bare axum |"
say "|---|---|---|---|---|---|"
hello_rps=0
run() { # name url script [env...]
  local name=$1 url=$2 script=$3; shift 3
  local res; res=$(env "$@" wrk -t2 -c32 -d10s --latency -s "bench/wrk/$script" "$url" 2>&1)
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$res")
  local p50; p50=$(awk '$1=="50%" {print $2}' <<<"$res")
  local p99; p99=$(awk '$1=="99%" {print $2}' <<<"$res")
  local errs; errs=$(awk '/Non-2xx|Socket errors/ {s=s $0 " "} END {print (s=="" ? "0" : s)}' <<<"$res")
  [[ $name == "bare axum hello" ]] && hello_rps=$rps
  local ratio; ratio=$(python3 -c "print(f'{100*$rps/max($hello_rps,1):.0f} %')")
  say "| $name | ${rps%.*} | $p50 | $p99 | $errs | $ratio |"
}
run "bare axum hello" http://127.0.0.1:3998/hello get.lua
run "login (argon2id)" "$base/api/v1/auth/login" post.lua BODY='{"phone":"13800000002","password":"linli-demo"}'
run "resident's job list" "$base/api/v1/repairs" get.lua TOKEN="$resident"
run "create a repair" "$base/api/v1/repairs" post.lua TOKEN="$resident" BODY='{"category":"leak","description":"压测"}'
run "verify a pass" "$base/api/v1/gate/verify" post.lua TOKEN="$guard" BODY="{\"code\":\"$code\"}"
run "SSR home page" "$base/" get.lua COOKIE="$(cookie 13800000001)"
say ""
say "### What each part of a request costs (bench/ladder.sh)"
say ""
bench/ladder.sh | tee -a "$report"
say ""

say "## Photos"
say ""
"$bin/photo" | tee -a "$report"
say ""

say "## Live stream"
say ""
# Spread over 50 communities: routed by audience, then as before (every
# stream woken by every event); then the memory floor under the figure.
"$bin/sse" --server "$bin/linli-server" --connections "${SSE_CONNECTIONS:-10000}" --communities 50 | tee -a "$report"
say ""
"$bin/sse" --server "$bin/linli-server" --connections "${SSE_CONNECTIONS:-10000}" --communities 50 --wake-all | tee -a "$report"
say ""
"$bin/sse" --floor tcp --connections "${SSE_CONNECTIONS:-10000}" | tee -a "$report"
"$bin/sse" --floor axum --connections "${SSE_CONNECTIONS:-10000}" --no-header | tee -a "$report"
say ""

say "## Cost that follows the work (empty vs generated database)"
say ""
# Both databases come from linli-generate: the empty one is one community
# of the same shape with no history (the same accounts), the big one the
# generator's company of SCALE_COMMUNITIES (50) communities, written
# SCALE_PART (10) at a time, each part by its own process: the engine's
# memory grows with what one process writes (docs/scale.md). SCALE_DB to
# use another database; SCALE_GENERATE for more of the generator's options.
scale_dir=${SCALE_DIR:-$HOME/.cache/linli/scale}
empty_db="surrealkv://$scale_dir/empty"
big_db=${SCALE_DB:-"surrealkv://$scale_dir/db"}
[[ -d $scale_dir/empty ]] || "$bin/linli-generate" --db "$empty_db" --communities 1 --months 0 >/dev/null
if [[ -z ${SCALE_DB:-} && ! -d $scale_dir/db ]]; then
  total=${SCALE_COMMUNITIES:-50} part=${SCALE_PART:-10}
  for ((first = 1; first <= total; first += part)); do
    last=$((first + part - 1 < total ? first + part - 1 : total))
    "$bin/linli-generate" --db "$big_db" --first "$first" --communities "$last" ${SCALE_GENERATE:-} >&2
  done
fi
# The first opening of a freshly written database keeps the engine busy
# for a minute or more (docs/scale.md: 50 communities, about 60-80 s of a
# core and up to 21 GB resident, then 1 % and 220 MB): each database is
# opened once and left until a 10 s window uses under 10 % of a core (at
# most 10 minutes), so that the table measures the steady state.
settle() { # database URL
  LINLI_DB=$1 LINLI_ADDR=127.0.0.1:${SETTLE_PORT:-4190} LINLI_MEDIA_DIR="$media" LINLI_LOG=warn "$bin/linli-server" &
  local pid=$! tick prev=0 now share waited=0
  tick=$(getconf CLK_TCK)
  while ((waited < 600)); do
    sleep 10; waited=$((waited + 10))
    now=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    share=$(((now - prev) * 100 / (10 * tick))); prev=$now
    ((waited >= 30 && share < 10)) && break
  done
  echo "settled $1 after ${waited} s (last 10 s: ${share} % of a core)" >&2
  kill "$pid"; wait "$pid" || true
}
settle "$empty_db"
settle "$big_db"
"$bin/scale" --server "$bin/linli-server" --empty "$empty_db" --big "$big_db" --seconds "${SCALE_SECONDS:-5}" \
  --port "${SCALE_PORT:-4150}" | tee -a "$report"
say ""
# The idle server on both: the sweeps must not grow with the data stored.
for db in "$empty_db" "$big_db"; do
  "$bin/idle" --server "$bin/linli-server" --db "$db" --seconds 30 --port "${IDLE_PORT:-4170}" | tee -a "$report"
done
say ""

say "## Durability"
say ""
"$bin/killloop" --server "$bin/linli-server" --cycles "${KILL_CYCLES:-50}" | tee -a "$report"
say ""
echo "written to $report"
