#!/usr/bin/env bash
# Foundation benchmarks: build a synthetic plant of N assets, then list it as JSON.
# Usage: bench/foundation.sh [N] [RUNS]   (defaults: 100000 assets, 3 runs each)
# Prints wall time (s) and peak RSS (MiB) of every run, measured with GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-3}
cargo build --release --locked -p patchwise >/dev/null 2>&1
bin=./target/release/patchwise
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
db="$out/scale.db"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$out/t" "$@" >"$out/stdout" 2>"$out/stderr" || { cat "$out/stderr"; exit 1; }
  read -r secs kib <"$out/t"
  printf '%-40s %8.2f s %8.1f MiB\n' "$label" "$secs" "$(awk -v k="$kib" 'BEGIN{print k/1024}')"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m); $(date -u +%F)"
for i in $(seq 1 "$runs"); do
  measure "demo --scale $n (run $i)" "$bin" --db "$db" demo --force --scale "$n"
done
for i in $(seq 1 "$runs"); do
  measure "assets list --json, $n assets (run $i)" "$bin" --db "$db" assets list --json
done
echo "assets listed: $(grep -c '"id"' "$out/stdout")"
echo "database size: $(du -m "$db" | cut -f1) MiB"
