#!/usr/bin/env bash
# Compares builds of the `compare` bench (issue 4's A/B measurements) over
# several code layouts. Where a function starts moves its loops in the
# CPU's fetch windows and cache lines; with functions 16-byte aligned, that
# depends on the size of every function before it, so a change to one
# function can make another 2-10% faster or slower with the same code
# (benches/README.md, "Code layout"). Each build runs with
# GASKET_LAYOUT_SEED=1..SEEDS (EngineConfig::code_layout_seed: functions
# shifted by 0-48 bytes), builds alternating, and the report gives each
# row's geometric mean over seeds and rounds, and its ratio to the first
# build's.
#
# Build each version's binary with
#   cargo bench -p gasket-benches --features compare --bench compare --no-run
# and copy the printed target/release/deps/compare-<hash> away.
#
# Usage: scripts/bench-ab.sh <criterion filter> <binary> <binary>...
# Env:   GASKET_AB_SEEDS (default 4), GASKET_AB_ROUNDS (default 1),
#        GASKET_AB_SECONDS (criterion's measurement time per row, default 2)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 3 ]]; then
  echo "usage: scripts/bench-ab.sh <criterion filter> <binary> <binary>..." >&2
  exit 2
fi
FILTER="$1"
shift
SEEDS="${GASKET_AB_SEEDS:-4}"
ROUNDS="${GASKET_AB_ROUNDS:-1}"
SECONDS_PER_ROW="${GASKET_AB_SECONDS:-2}"
for n in "$SEEDS" "$ROUNDS" "$SECONDS_PER_ROW"; do
  if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench-ab: GASKET_AB_SEEDS, _ROUNDS and _SECONDS must be positive integers, not '$n'" >&2
    exit 2
  fi
done
for binary in "$@"; do
  if [[ ! -x "$binary" ]]; then
    echo "bench-ab: $binary is not an executable bench binary" >&2
    exit 2
  fi
done
cd "$ROOT/benches"
echo "bench-ab: $(date -u '+%Y-%m-%d %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg), seeds 1..$SEEDS, $ROUNDS round(s), ${SECONDS_PER_ROW} s a row" >&2
for round in $(seq 1 "$ROUNDS"); do
  for seed in $(seq 1 "$SEEDS"); do
    build=0
    for binary in "$@"; do
      # Builds are told apart by position: copies of the bench binary
      # from two trees often share a file name.
      build=$((build + 1))
      GASKET_LAYOUT_SEED="$seed" "$binary" --bench "$FILTER" --warm-up-time 1 \
        --measurement-time "$SECONDS_PER_ROW" --noplot 2>/dev/null |
        awk -v build="$build" -v seed="$seed" '
          /^[a-z][^ ]*\// { name = $1 }
          /time:/ {
            s = $0; sub(/.*\[/, "", s); sub(/\].*/, "", s); split(s, t, " ")
            scale = (t[4] == "ns") ? 0.001 : (t[4] == "ms") ? 1000 : (t[4] == "s") ? 1e6 : 1
            print name, build, seed, t[3] * scale
          }'
    done
  done
done | awk -v n="$#" -v order="$*" '
  BEGIN { split(order, path, " "); for (i = 1; i <= n; i++) { builds[i] = i; label[i] = i ":" path[i]; sub(/:.*\//, ":", label[i]) } }
  { key = $1 SUBSEP $2; logsum[key] += log($4); count[key]++; rows[$1] = 1
    times[key] = times[key] sprintf(" %.1f", $4) }
  END {
    for (row in rows) {
      base = exp(logsum[row SUBSEP builds[1]] / count[row SUBSEP builds[1]])
      for (i = 1; i <= n; i++) {
        key = row SUBSEP builds[i]
        if (!(key in count)) continue
        mean = exp(logsum[key] / count[key])
        printf "%-28s %-24s %10.1f us  x%.3f  (%s )\n", row, label[i], mean, mean / base, times[key]
      }
    }
  }' | sort
