#!/usr/bin/env bash
# Browser benchmark of the scatter page with 1,000,000 transactions (see README.md here).
# Usage: bench/web-bench/run.sh [transactions=1000000] [runs=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-1000000}"; runs="${2:-5}"
cd "$root"
echo "[web-bench] building the web module and its test classes"
mvn -B -q -pl web -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
(cd web/e2e && npm ci --no-audit --no-fund >/dev/null)
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
data="$(mktemp -d)"
password="bench-$(date +%s)-pw"
minutes=60
log="$data/server.log"
SIGHTLINE_ADMIN_PASSWORD="$password" java -Xmx2g -Dsightline.dev.transactions="$n" -Dsightline.dev.minutes="$minutes" \
  -Dsightline.hbase.lib="$root/hbase-standalone/target/hbase-lib" -cp "web/target/classes:web/target/test-classes:$(cat web/target/cp.txt)" io.sightline.webdev.DevServer \
  --server.port="$port" --server.address=127.0.0.1 --sightline.data-dir="$data" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
# the embedded HBase starts, then the transactions go through the collector (minutes for a million)
echo "[web-bench] starting the embedded HBase and writing $n transactions through the collector"
for _ in $(seq 1 3600); do
  curl -sf -o /dev/null -u "admin:$password" "http://127.0.0.1:$port/api/me" && break
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
grep '^\[dev\]' "$log" || true
# the generated window: [now - minutes, now) when the server started
range="$(curl -sf -u "admin:$password" "http://127.0.0.1:$port/api/applications" | python3 -c 'import json,sys; a=[x for x in json.load(sys.stdin) if x["name"]=="shop"][0]["agents"][0]; print(a["startTime"])')"
to=$(( range + minutes * 60000 ))
echo "[web-bench] server on :$port with $n transactions; measuring ($runs runs)"
node web/e2e/bench-scatter.mjs --baseUrl="http://127.0.0.1:$port" --password="$password" --application=shop \
  --from="$range" --to="$to" --runs="$runs"
