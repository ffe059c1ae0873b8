#!/usr/bin/env bash
# Intelligence import benchmarks, side by side with the floor of merely parsing the same JSON in
# Python. Usage: bench/intel.sh [RUNS]   (default 3). Needs ../shared/fixtures.
# Prints wall time (s) and peak RSS (MiB) of every run, measured with GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
fx=../shared/fixtures
nvd=$fx/nvd-json-1.1/dependency-check-hb_nvd/src/site/resources/hb_nvd/nvdcve-1.1-2022.json.gz
[ -f "$nvd" ] || nvd=$(find "$fx/nvd-json-1.1" -name 'nvdcve-1.1-2022.json.gz' | head -n 1)
csaf=$fx/csaf-cisa
cargo build --release --locked -p patchwise >/dev/null 2>&1
bin=./target/release/patchwise
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$out/t" "$@" >"$out/stdout" 2>"$out/stderr" || { cat "$out/stderr"; exit 1; }
  read -r secs kib <"$out/t"
  printf '%-58s %8.2f s %8.1f MiB\n' "$label" "$secs" "$(awk -v k="$kib" 'BEGIN{print k/1024}')"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m); $(date -u +%F)"
echo "nvd: $nvd ($(du -k "$nvd" | cut -f1) KiB gz)"
for i in $(seq 1 "$runs"); do
  rm -f "$out/db"*
  measure "patchwise intel import NVD 2022 (run $i)" "$bin" --db "$out/db" intel import "$nvd"
  measure "python3 json.load(gzip) NVD 2022 (run $i)" python3 -c "import json,gzip,sys; json.load(gzip.open(sys.argv[1]))" "$nvd"
done
for i in $(seq 1 "$runs"); do
  rm -f "$out/db"*
  measure "patchwise intel import all CISA CSAF (run $i)" "$bin" --db "$out/db" intel import "$csaf"
  measure "python3 json.load all CISA CSAF (run $i)" python3 -c "import json,glob,sys; [json.load(open(f)) for f in glob.glob(sys.argv[1] + '/**/*.json', recursive=True)]" "$csaf"
done
