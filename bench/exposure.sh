#!/usr/bin/env bash
# Exposure benchmarks (issue 5): a synthetic network (demo::synthetic_network) of 10,000 assets,
# 300 zones and 20,000 rules, and one of 100,000 assets; full analysis and one what-if (closing the
# conduit with the most rules, incremental), timed inside the process over RUNS runs; peak RSS;
# and, side by side on the 10,000-asset network, networkx (from PyPI, in a virtualenv under
# target/) computing the same reachability on the explicit graph the engine exports.
# Usage: bench/exposure.sh [RUNS]   (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --locked -p exposure --example exposure-bench >/dev/null 2>&1
bin=./target/release/examples/exposure-bench
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet networkx
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
summary() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
f,w=d["full_s"],d["whatif_s"]
print("%d assets, %d zones, %d rules, %d services, %d exploits: full %.3f/%.3f/%.3f s, what-if %.3f/%.3f/%.3f s (min/median/max of %d), peak RSS %.0f MiB; what-if delta %s" % (d["assets"], d["zones"], d["rules"], d["services"], d["exploits"], f["min"], f["median"], f["max"], w["min"], w["median"], w["max"], d["runs"], d["peak_rss_mib"], d["whatif_delta"]))' "$1"
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m); $(date -u +%F)"
"$bin" --assets 10000 --zones 300 --rules 20000 --runs "$runs" --export "$out/graph.jsonl" --result "$out/ours.json" >/dev/null
summary "$out/ours.json"
/usr/bin/time -f '%e %M' -o "$out/t" "$venv/bin/python" bench/exposure-networkx.py "$out/graph.jsonl" "$out/ours.json" >"$out/nx.json"
read -r secs kib <"$out/t"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("networkx %s on the same graph (%d nodes, %d edges): load %.2f s, Dijkstra from every entry point %.2f s, agrees: %s" % (d["version"], d["nodes"], d["edges"], d["load_s"], d["compute_s"], d["agree"]))' "$out/nx.json"
echo "networkx process: $secs s wall, $(awk -v k="$kib" 'BEGIN{printf "%.0f", k/1024}') MiB peak RSS"
"$bin" --assets 100000 --zones 300 --rules 20000 --runs "$runs" --result "$out/big.json" >/dev/null
summary "$out/big.json"
