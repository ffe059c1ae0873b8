#!/usr/bin/env bash
# Rebuilds demo-intel.bundle: the public intelligence records that cover the demo plant's products,
# in Patchwise's own bundle format (patchwise-intel-bundle/1), each record keeping its provenance
# (source, document id, revision, original file name and digest).
#
# Which records: every CISA ICS advisory id and CVE id named in demo-plant.toml, plus every CVE
# those advisories cover; for each, the CSAF advisories, NVD 2022 entries, CVE 5 records with CISA
# Vulnrichment (SSVC points, KEV echo) and CISA KEV entries found in ../shared/fixtures.
# Usage (from the repository root): crates/demo/data/make-demo-intel.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
fx=../shared/fixtures
cargo build --release --locked -p patchwise >/dev/null
bin=./target/release/patchwise
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" --db "$tmp/all.db" intel import "$fx/kev" "$fx/csaf-cisa" "$fx/nvd-json-1.1" "$fx/vulnrichment" >/dev/null
named=$(grep -oiE "ICSA-[0-9]{2}-[0-9]{3}-[0-9]{2}|CVE-[0-9]{4}-[0-9]{4,7}" crates/demo/data/demo-plant.toml | tr a-z A-Z | sort -u)
covered=""
for id in $(echo "$named" | grep '^ICSA'); do
  covered="$covered $("$bin" --db "$tmp/all.db" intel show "$id" --json |
    python3 -c 'import json,sys; v=json.load(sys.stdin); print(" ".join(a for adv in v["advisories"] for a in adv.get("aliases", [])))')"
done
ids=$(echo $named $covered | tr ' ' '\n' | grep -v '^$' | sort -u | paste -sd, -)
"$bin" --db "$tmp/all.db" intel bundle export crates/demo/data/demo-intel.bundle --only "$ids"
