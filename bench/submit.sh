#!/usr/bin/env bash
# bench/submit.sh: the durable-submissions anchor of DESIGN.md. Measures
# report submissions per second through saferd (each answered OK only once
# the group commit holding it is durable) with 1, 10 and 50 connections, and
# SQLite's own limits on the same file system with the server's settings
# (WAL, synchronous=FULL): one row per transaction, 100 per transaction and
# all in one. Prints a table with the ratios. Everything listens on
# 127.0.0.1 only; every loop is bounded in count and time; a trap stops every
# process this script started and removes its temporary folder. About a
# minute with the build up to date.
#
#   bash bench/submit.sh
#
# Knobs (environment): SUBMIT_TOTAL (submissions in each run, split between
# its connections; default 3000, at most 10000), SQLITE_ROWS (rows for each
# way of committing, default 5000), BENCH_BUILD (build folder, default
# build-bench), BENCH_SKIP_BUILD=1 to reuse it as it is.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
TOTAL=${SUBMIT_TOTAL:-3000}
ROWS=${SQLITE_ROWS:-5000}
CONNS_LIST=(1 10 50)
VERSIONS_MAX=100 # PAPERS_VERSIONS_MAX: versions of one report
TMP=$(mktemp -d /tmp/safer-submit.XXXXXX)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"


case $TOTAL in
'' | *[!0-9]*) die "SUBMIT_TOTAL must be a number" ;;
esac
if [ "$TOTAL" -lt 50 ] || [ "$TOTAL" -gt 10000 ]; then
    die "SUBMIT_TOTAL must be 50 to 10000"
fi
# Every run spreads its submissions evenly over this many task groups, so no
# report reaches the server's limit of versions.
GROUPS_N=$(((TOTAL + VERSIONS_MAX - 1) / VERSIONS_MAX))

# CPU time process $1 has used, user plus system, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Microseconds of CPU per operation: ticks $1 -> $2 over $3 operations.
cpu_us_per() {
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n > 0) printf "%.0f", (b - a) * 1e6 / hz / n; else print 0 }'
}

# key=value field $2 from a result line $1.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

build() {
    if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
        say "building Release into $BUILD"
        cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1 \
            || { cat "$TMP/cmake.log" >&2; die "cmake failed"; }
        cmake --build "$BUILD" --target saferd safer bench_client sqlite_rows -j"$(nproc)" \
            >"$TMP/build.log" 2>&1 || { tail -30 "$TMP/build.log" >&2; die "build failed"; }
    fi
    SAFERD="$BUILD/server/saferd"
    SAFER="$BUILD/client/safer"
    BENCH="$BUILD/bench/bench_client"
    ROWSBIN="$BUILD/bench/sqlite_rows"
    for exe in "$SAFERD" "$SAFER" "$BENCH" "$ROWSBIN"; do
        [ -x "$exe" ] || die "$exe is missing"
    done
}

# Runs safer as $1 (a folder under $TMP/homes), bounded by timeout; its
# output is left in $OUT.
as() {
    local who=$1
    shift
    OUT=$(SAFER_HOME="$TMP/homes/$who" timeout 60 "$SAFER" "$@" 2>&1) \
        || die "safer $* as $who failed: $OUT"
}

invite_of() { grep -m1 -o 'safer://[^[:space:]]*' <<<"$1" || die "no invite in: $1"; }

enrol() {
    mkdir -p "$TMP/homes"
    mkdir -m 700 "$TMP/homes/$1"
    as "$1" enrol "$2"
}

start_saferd() {
    local out
    SPORT=$(free_port)
    out=$("$SAFERD" init "$TMP/data" --listen "127.0.0.1:$SPORT" 2>&1) \
        || die "saferd init failed: $out"
    # A log line per connection would be measured too.
    "$SAFERD" run "$TMP/data" --log-level warn >"$TMP/saferd.log" 2>&1 &
    SAFERD_PID=$!
    PIDS+=("$SAFERD_PID")
    wait_port "$SPORT" "$SAFERD_PID" "$TMP/saferd.log"
    enrol AD "$(invite_of "$out")"
}

# The partnership the submissions need, made with the real commands: a chair,
# one lead of the admin's agency (council), GROUPS_N task groups with council
# as their member, and one upcoming meeting per run, so that every run starts
# on reports with no versions. All the connections use the lead's key: the
# server allows several sessions per key.
setup() {
    local i c
    say "setting up a chair, a lead, $GROUPS_N task groups and ${#CONNS_LIST[@]} meetings"
    as AD admin person add CH --name "Bench Chair" --agency council --role chair
    enrol CH "$(invite_of "$OUT")"
    as AD admin person add LD --name "Bench Lead" --agency council --role lead
    enrol LD "$(invite_of "$OUT")"
    for i in $(seq 1 "$GROUPS_N"); do
        as AD group add "b$i" "Bench group $i" --agencies council
    done
    i=0
    for c in "${CONNS_LIST[@]}"; do
        i=$((i + 1))
        DATE[$c]=$(date -u -d "today +$((30 + i)) days" +%F)
        as CH meeting add "${DATE[$c]}" --time 10:00 --venue "Bench room" --deadline "${DATE[$c]}"
    done
}

bench_submit() {
    local c m out c0
    for c in "${CONNS_LIST[@]}"; do
        m=$((TOTAL / c))
        c0=$(cpu_ticks "$SAFERD_PID")
        say "safer: $c connection(s) x $m submissions to ${DATE[$c]}"
        out=$(SAFER_HOME="$TMP/homes/LD" "$BENCH" submit --threads "$c" --count "$m" \
            --date "${DATE[$c]}" --group-prefix b --groups "$GROUPS_N" --seconds 120 \
            2>"$TMP/bench.err") || die "bench_client submit failed: $(cat "$TMP/bench.err")"
        [ "$(field "$out" failures)" = 0 ] || die "failures: $out"
        RATE[$c]=$(field "$out" rate)
        P50[$c]=$(field "$out" p50_ms)
        P99[$c]=$(field "$out" p99_ms)
        N[$c]=$(field "$out" submissions)
        CPU[$c]=$(cpu_us_per "$c0" "$(cpu_ticks "$SAFERD_PID")" "${N[$c]}")
    done
}

# SQLite alone, in a file beside the data folder (the same file system).
bench_sqlite() {
    local out
    say "SQLite: $ROWS rows of 1 KB each way (WAL, synchronous=FULL)"
    out=$("$ROWSBIN" "$TMP" --rows "$ROWS" --seconds 20) || die "sqlite_rows failed"
    SQ_ROW=$(field "$(grep '^mode=per_row ' <<<"$out")" rate)
    SQ_100=$(field "$(grep '^mode=batch100 ' <<<"$out")" rate)
    SQ_ALL=$(field "$(grep '^mode=all ' <<<"$out")" rate)
    SQ_VERSION=$(sed -n 's/^sqlite_version=//p' <<<"$out")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

report() {
    local c
    local c f='%-38s | %9s | %7s | %7s | %7s | %9s | %12s\n'
    # shellcheck disable=SC2059 # the format is ours
    printf "\n$f" "durable writes" "per s" "p50 ms" "p99 ms" "CPU us" "/ per-row" "/ all-in-one"
    printf -- '---------------------------------------+-----------+---------+---------+---------+-----------+-------------\n'
    # shellcheck disable=SC2059
    for c in "${CONNS_LIST[@]}"; do
        printf "$f" "safer submit, $c conn(s), ${N[$c]} in all" "${RATE[$c]}" "${P50[$c]}" \
            "${P99[$c]}" "${CPU[$c]}" "$(ratio "${RATE[$c]}" "$SQ_ROW")" \
            "$(ratio "${RATE[$c]}" "$SQ_ALL")"
    done
    # shellcheck disable=SC2059
    {
        printf "$f" "SQLite, one row per commit" "$SQ_ROW" - - - 1.00 "$(ratio "$SQ_ROW" "$SQ_ALL")"
        printf "$f" "SQLite, 100 rows per commit" "$SQ_100" - - - "$(ratio "$SQ_100" "$SQ_ROW")" \
            "$(ratio "$SQ_100" "$SQ_ALL")"
        printf "$f" "SQLite, all $ROWS rows in one commit" "$SQ_ALL" - - - \
            "$(ratio "$SQ_ALL" "$SQ_ROW")" 1.00
    }
    printf '\nCPU us = saferd CPU time per submission. %s cores; SQLite %s; %s;\n1 KB Markdown per submission and per row.\n' \
        "$(nproc)" "$SQ_VERSION" \
        "$(df -T "$TMP" | awk 'NR == 2 { print $2 " file system" }')"
    # Other work on the machine skews every row; the load says how much there was.
    printf 'load average before: %s; after: %s\n' "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

main() {
    declare -gA DATE RATE P50 P99 N CPU
    build
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    start_saferd
    setup
    bench_submit
    bench_sqlite
    report
}

main "$@"
