#!/usr/bin/env bash
# bench/pack.sh: times the board pack at realistic scale (issue 5; DESIGN.md,
# "Performance anchors"). Builds Release, makes a data folder with
# `saferd init`, fills it with ten years of monthly meetings through the
# store API (bench/pack_gen), then times the pack of the last meeting in each
# format two ways, and prints a table against the targets (Markdown and HTML
# under 200 ms, PDF under 1 s):
#
# - in-process: bench/pack_time calls pack_model_load + pack_view_init +
#   pack_render, median of RUNS;
# - end to end: the chair runs the real `safer pack pull DATE --draft` against
#   the real saferd on 127.0.0.1 (handshake, model, render, signing, transfer
#   in parts, signature check, atomic write), median of RUNS.
#
#   bash bench/pack.sh
#
# Knobs (environment): PACK_YEARS (default 10), PACK_RUNS (default 5),
# BENCH_SKIP_BUILD=1 to reuse build-bench. Everything listens on 127.0.0.1;
# every wait is bounded; a trap stops saferd and removes the temporary folder.
# Takes about a minute on two cores.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-bench"
YEARS=${PACK_YEARS:-10}
RUNS=${PACK_RUNS:-5}
TMP=$(mktemp -d /tmp/safer-packbench.XXXXXX)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

build() {
    if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
        say "building Release into $BUILD"
        cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1 \
            || { cat "$TMP/cmake.log" >&2; die "cmake failed"; }
        cmake --build "$BUILD" --target saferd safer pack_gen pack_time -j"$(nproc)" \
            >"$TMP/build.log" 2>&1 || { tail -30 "$TMP/build.log" >&2; die "build failed"; }
    fi
    SAFERD="$BUILD/server/saferd"
    SAFER="$BUILD/client/safer"
    GEN="$BUILD/bench/pack_gen"
    TIMER="$BUILD/bench/pack_time"
}

# Milliseconds since the epoch, from the shell's clock.
now_ms() { date +%s%3N; }

# The median of the numbers on stdin.
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
        else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Enrols the first admin, then a chair made by that admin, in homes of their own.
enrol_chair() {
    local invite out
    invite=$(grep -o 'safer://[^[:space:]]*' "$TMP/init.out" | head -1)
    [ -n "$invite" ] || die "saferd init printed no invite"
    out=$(SAFER_HOME="$TMP/admin" "$SAFER" enrol "$invite" 2>&1) || die "enrol admin: $out"
    out=$(SAFER_HOME="$TMP/admin" "$SAFER" admin person add ZZ --name "Bench Chair" \
        --agency council --role chair 2>&1) || die "person add: $out"
    invite=$(grep -o 'safer://[^[:space:]]*' <<<"$out" | head -1)
    out=$(SAFER_HOME="$TMP/chair" "$SAFER" enrol "$invite" 2>&1) || die "enrol chair: $out"
}

# Pulls the last meeting's draft in format $1 RUNS times; prints the median ms.
time_pulls() {
    local t0 t1 i
    for i in $(seq 1 "$RUNS"); do
        t0=$(now_ms)
        SAFER_HOME="$TMP/chair" "$SAFER" pack pull "$LAST" --draft --format "$1" \
            -o "$TMP/pack-$i.$1" >"$TMP/pull.out" 2>&1 || die "pull $1: $(cat "$TMP/pull.out")"
        t1=$(now_ms)
        echo $((t1 - t0))
    done | median
    cmp -s "$TMP/pack-1.$1" "$TMP/pack-$RUNS.$1" || die "two $1 pulls gave different bytes"
}

main() {
    local port out line fmt target verdict pull
    build
    port=$(free_port)
    "$SAFERD" init "$TMP/data" --listen "127.0.0.1:$port" >"$TMP/init.out" 2>&1 \
        || die "saferd init failed: $(cat "$TMP/init.out")"
    say "generating $YEARS years of monthly meetings"
    out=$("$GEN" "$TMP/data" --years "$YEARS") || die "pack_gen failed"
    say "$(head -1 <<<"$out")"
    LAST=$(sed -n 's/^last=//p' <<<"$out")
    say "database: $(du -h "$TMP/data/safer.db" | cut -f1), last meeting $LAST"

    say "in-process: pack_time, median of $RUNS"
    "$TIMER" "$TMP/data" "$LAST" "$RUNS" >"$TMP/inproc.out" || die "pack_time failed"

    "$SAFERD" run "$TMP/data" --log-level warn >"$TMP/saferd.log" 2>&1 &
    PIDS+=($!)
    wait_port "$port" "${PIDS[-1]}" "$TMP/saferd.log"
    enrol_chair

    printf '\nBoard pack of %s (%s years of monthly meetings), medians of %s runs\n\n' \
        "$LAST" "$YEARS" "$RUNS"
    printf '| format | target | model load ms | render ms | in-process ms | pull ms | bytes | verdict |\n'
    printf '|---|---|---|---|---|---|---|---|\n'
    for fmt in md html pdf; do
        say "end to end: safer pack pull --format $fmt"
        pull=$(time_pulls "$fmt")
        line=$(awk -v f="$fmt" '$1 == f' "$TMP/inproc.out")
        target=$([ "$fmt" = pdf ] && echo 1000 || echo 200)
        verdict=$(awk -v p="$pull" -v i="$(cut -d' ' -f4 <<<"$line")" -v t="$target" \
            'BEGIN { print (p < t && i < t) ? "meets" : "misses" }')
        printf '| %s | < %s ms | %s | %s | %s | %s | %s | %s |\n' "$fmt" "$target" \
            "$(cut -d' ' -f2 <<<"$line")" "$(cut -d' ' -f3 <<<"$line")" \
            "$(cut -d' ' -f4 <<<"$line")" "$pull" "$(cut -d' ' -f5 <<<"$line")" "$verdict"
    done
}

main "$@"
