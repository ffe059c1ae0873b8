#!/usr/bin/env bash
# Matching benchmarks (issue 4): a `demo --scale N` plant (default 100,000 assets) against all the
# intelligence in ../shared/fixtures (KEV, CISA CSAF, NVD 2022, CVE 5 + Vulnrichment, EPSS).
# Usage: bench/matching.sh [RUNS] [N]   (defaults 3, 100000).
# Prints wall time (s) and peak RSS (MiB) of every run (GNU time), and the match's own elapsed
# time from `patchwise match --json`:
#  - cold full match: the first full match after the intelligence import (every platform written);
#  - full match: `match --full` again on the unchanged plant (every platform evaluated again
#    against all intelligence, only changed verdicts written);
#  - full match after a plant change: one asset's firmware changed through a CSV import, then
#    `match` (the assets are read and grouped again, then everything is evaluated), on a fresh
#    copy each run;
#  - incremental: `match` after importing one advisory that was not in the store (the real
#    Siemens ProductCERT advisory SSA-054046 from the sbom-vex fixtures), on a fresh copy each run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
n=${2:-100000}
fx=../shared/fixtures
one=$(find "$fx/sbom-vex" -name 'ssa-054046.json' | head -n 1)
cargo build --release --locked -p patchwise >/dev/null 2>&1
bin=./target/release/patchwise
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$out/t" "$@" >"$out/stdout" 2>"$out/stderr" || { cat "$out/stderr"; exit 1; }
  read -r secs kib <"$out/t"
  local inner=""
  if grep -q '"elapsed_ms"' "$out/stdout" 2>/dev/null; then
    inner=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("match %d ms, %d platforms, %d advisories" % (d["elapsed_ms"], d["run"]["platforms"], d["run"]["advisories_considered"]))' "$out/stdout")
  fi
  printf '%-44s %8.2f s %8.1f MiB  %s\n' "$label" "$secs" "$(awk -v k="$kib" 'BEGIN{print k/1024}')" "$inner"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m); $(date -u +%F)"
measure "demo --scale $n" "$bin" --db "$out/db" demo --scale "$n"
measure "intel import (all fixtures, --no-match)" "$bin" --db "$out/db" intel import --no-match \
  "$fx/kev" "$fx/csaf-cisa" "$fx/nvd-json-1.1" "$fx/vulnrichment" "$fx/epss"
measure "cold full match" "$bin" --db "$out/db" match --full --json
for i in $(seq 1 "$runs"); do
  measure "full match (run $i)" "$bin" --db "$out/db" match --full --json
done
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("pragma wal_checkpoint(TRUNCATE)")' "$out/db"
printf 'id,name,zone,kind,vendor,product,model,firmware\nPLC-R101,Reactor R-101 controller,cell-a,plc,Siemens,SIMATIC S7-1500 CPU 1516-3 PN/DP,6ES7 516-3AN02-0AB0,V3.1.5\n' >"$out/upd.csv"
for i in $(seq 1 "$runs"); do
  cp "$out/db" "$out/chg.db"
  "$bin" --db "$out/chg.db" assets import "$out/upd.csv" >/dev/null
  measure "full match after a plant change (run $i)" "$bin" --db "$out/chg.db" match --json
done
for i in $(seq 1 "$runs"); do
  cp "$out/db" "$out/inc.db"
  "$bin" --db "$out/inc.db" intel import --no-match "$one" >/dev/null
  measure "incremental after 1 new advisory (run $i)" "$bin" --db "$out/inc.db" match --json
done
"$bin" --db "$out/db" match --json | python3 -c 'import json,sys; d=json.load(sys.stdin)["findings"]; print("findings:", sum(n for s,c,n in d["by_status"]), "by (status, confidence):", d["by_status"], "open KEV:", d["open_kev"], "assets with open:", d["assets_with_open"])'
