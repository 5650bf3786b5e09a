#!/usr/bin/env bash
# bench/api/ratios: each ratio is taken within a round, then the median of the rounds. The
# rounds below are made so that the medians of each side taken apart give another answer
# (get_random: median 300 / median 200 = 1.5), which the per-round median must not.
set -euo pipefail
ratios=$1/bench/api/ratios
rounds=$(mktemp)
trap 'rm -f "$rounds"' EXIT
cat >"$rounds" <<'ROUNDS'
== round 1 (10s each, 64 connections)
"static_rps": 1000.0, "static_p50_ms": 1.0
"get_cached_rps": 500.0, "get_cached_p99_ms": 3.0
"plain_get_rps": 100.0, "plain_get_p99_ms": 9.0
"get_random_rps": 90.0, "get_random_errors": 0
"plain_post_rps": 400.0
"ruled_post_rps": 200.0
"fn_post_rps": 100.0
== round 2 (10s each, 64 connections)
"static_rps": 2000.0
"get_cached_rps": 400.0
"plain_get_rps": 200.0
"get_random_rps": 300.0
== round 3 (10s each, 64 connections)
"static_rps": 3000.0
"get_cached_rps": 900.0
"plain_get_rps": 400.0
"get_random_rps": 320.0
ROUNDS
out=$("$ratios" "$rounds")
expect() {
    grep -qx "\"$1\": $2" <<<"$out" || { echo "expected \"$1\": $2 in:"; echo "$out"; exit 1; }
}
# round ratios 0.5, 0.2, 0.3 -> 0.3
expect get_cached_vs_static 0.300
# 0.9, 1.5, 0.8 -> 0.9
expect get_random_vs_plain 0.900
# one function beside both of its baselines, each named for its table
expect fn_post_vs_plain 0.250
expect fn_post_vs_ruled 0.500
# a baseline that no round measured gives 0, not a division by zero
expect list_vs_plain 0.000
echo "bench/api/ratios: ok"
