#!/usr/bin/env bash
# bench/run.sh: measures the issue-2 performance anchors of DESIGN.md in one
# run, each against its reference on the same machine, and prints a table of
# ratios. Everything listens on 127.0.0.1 only; every loop is bounded in count
# and time; a trap stops every process this script started and removes its
# temporary folder. Takes about two minutes on two cores.
#
#   bash bench/run.sh
#
# Knobs (environment): BENCH_SECONDS (each handshake run, default 10),
# BENCH_PINGS (pings per connection, default 2000), BENCH_IDLE (idle
# connections, default 1000), BENCH_SKIP_BUILD=1 to reuse build-bench.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-bench"
SECS=${BENCH_SECONDS:-10}
PINGS=${BENCH_PINGS:-2000}
IDLE=${BENCH_IDLE:-1000}
CONNS=50
TMP=$(mktemp -d /tmp/safer-bench.XXXXXX)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"


# Waits up to $3 s for file $1 to contain a line matching $2.
wait_line() {
    for _ in $(seq 1 $(($3 * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "timed out waiting for '$2' in $1: $(tail -3 "$1" 2>/dev/null)"
}

# Runs bench_client with the given arguments and prints its result line.
run_bench() {
    local out
    out=$("$BENCH" "$@" 2>"$TMP/bench.err") || die "bench_client $1 failed: $(cat "$TMP/bench.err")"
    echo "$out"
}

# On two cores the load generators compete with the servers for CPU, so the
# servers' own CPU time per operation is shown too: it does not depend on how
# efficient the client is. CPU time process $1 has used, user plus system, in
# clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Microseconds of CPU per operation: ticks $1 -> $2 over $3 operations.
cpu_us_per() {
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / hz / n; else print 0 }'
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# key=value field $2 from a bench_client result line $1.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

ensure_tools() {
    local need=()
    command -v openssl >/dev/null || need+=(openssl)
    command -v redis-server >/dev/null || need+=(redis-server)
    command -v redis-benchmark >/dev/null || need+=(redis-tools)
    [ ${#need[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing ${need[*]}: install them or run as root"
    say "installing ${need[*]}"
    apt-get install -y -q "${need[@]}" >"$TMP/apt.log" 2>&1 || {
        apt-get update -q >>"$TMP/apt.log" 2>&1
        apt-get install -y -q "${need[@]}" >>"$TMP/apt.log" 2>&1
    } || die "apt-get install ${need[*]} failed (see its output above)"
}

build() {
    if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
        say "building Release into $BUILD"
        cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1 \
            || { cat "$TMP/cmake.log" >&2; die "cmake failed"; }
        cmake --build "$BUILD" --target saferd safer bench_client -j"$(nproc)" \
            >"$TMP/build.log" 2>&1 || { tail -30 "$TMP/build.log" >&2; die "build failed"; }
    fi
    SAFERD="$BUILD/server/saferd"
    SAFER="$BUILD/client/safer"
    BENCH="$BUILD/bench/bench_client"
}

start_saferd() {
    local out invite
    SPORT=$(free_port)
    "$SAFERD" init "$TMP/data" --listen "127.0.0.1:$SPORT" >"$TMP/init.out" 2>&1 \
        || die "saferd init failed: $(cat "$TMP/init.out")"
    # Per-connection log lines would be measured too; redis logs none either.
    "$SAFERD" run "$TMP/data" --log-level warn --max-conns $((IDLE + 200)) \
        --max-handshakes 64 >"$TMP/saferd.log" 2>&1 &
    SAFERD_PID=$!
    PIDS+=("$SAFERD_PID")
    wait_port "$SPORT" "$SAFERD_PID" "$TMP/saferd.log"
    invite=$(grep -o 'safer://[^[:space:]]*' "$TMP/init.out" | head -1)
    [ -n "$invite" ] || die "saferd init printed no invite"
    export SAFER_HOME="$TMP/home"
    out=$("$SAFER" enrol "$invite" 2>&1) || die "safer enrol failed: $out"
}

start_redis() {
    RPORT=$(free_port)
    redis-server --bind 127.0.0.1 --port "$RPORT" --save '' --appendonly no \
        --protected-mode yes --maxclients $((IDLE + 200)) --daemonize no \
        >"$TMP/redis.log" 2>&1 &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    wait_port "$RPORT" "$REDIS_PID" "$TMP/redis.log"
}

start_tls() {
    TPORT=$(free_port)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj /CN=localhost -keyout "$TMP/tls.key" -out "$TMP/tls.crt" >/dev/null 2>&1 \
        || die "openssl req failed"
    openssl s_server -accept "127.0.0.1:$TPORT" -cert "$TMP/tls.crt" -key "$TMP/tls.key" \
        -tls1_3 -groups X25519 -quiet -naccept 10000000 </dev/null >"$TMP/s_server.log" 2>&1 &
    TLS_PID=$!
    PIDS+=("$TLS_PID")
    wait_port "$TPORT" "$TLS_PID" "$TMP/s_server.log"
}

# --- memory per idle authenticated connection -------------------------------
# First, while saferd's heap is fresh, so earlier runs cannot lend it pages.
# The reference is redis-server holding as many idle clients, each after one PING.
bench_memory() {
    local before after pid line
    say "memory: $IDLE idle authenticated connections"
    sleep 0.5
    before=$(rss_kib "$SAFERD_PID")
    "$BENCH" idle --count "$IDLE" --seconds 60 >"$TMP/idle.out" 2>"$TMP/idle.err" &
    pid=$!
    PIDS+=("$pid")
    wait_line "$TMP/idle.out" '^ready' 60
    sleep 1
    after=$(rss_kib "$SAFERD_PID")
    kill "$pid"
    wait_line "$TMP/idle.out" '^closed' 30
    MEM_SAFER=$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN { printf "%.2f", (a - b) / n }')
    say "saferd RSS $before KiB -> $after KiB"

    before=$(rss_kib "$REDIS_PID")
    # One bash holds the idle clients: each socket gets an fd and one PING.
    (
        for _ in $(seq 1 "$IDLE"); do
            exec {fd}<>"/dev/tcp/127.0.0.1/$RPORT" || exit 1
            printf 'PING\r\n' >&"$fd"
        done
        echo ready
        # exec, so that killing this pid closes the sockets at once.
        exec sleep 30
    ) >"$TMP/ridle.out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_line "$TMP/ridle.out" '^ready' 60
    sleep 1
    after=$(rss_kib "$REDIS_PID")
    kill "$pid" 2>/dev/null || true
    MEM_REDIS=$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN { printf "%.2f", (a - b) / n }')
    say "redis-server RSS $before KiB -> $after KiB"
}

# --- handshakes per second against TLS 1.3 ---------------------------------
# s_time -new makes a fresh TCP connection and a full handshake each time, one
# after another; bench_client does the same with the Noise XK handshake and a
# goodbye. The two-client row runs two of each at once.
# s_time prints its real time in whole seconds, so the wall clock around it is
# used instead; its start-up is a few milliseconds of the ten seconds.
s_time_rate() {
    local t0 t1 n
    t0=$(date +%s.%N)
    n=$(openssl s_time -connect "127.0.0.1:$TPORT" -new -tls1_3 -time "$SECS" 2>/dev/null \
        | awk '/connections in .* real seconds/ { print $1 }')
    t1=$(date +%s.%N)
    awk -v n="${n:-0}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f %d", n / (b - a), n }'
}

bench_handshakes() {
    local a b out c0 n
    say "handshakes: safer, 1 client, ${SECS}s"
    c0=$(cpu_ticks "$SAFERD_PID")
    out=$(run_bench handshakes --count 10000000 --seconds "$SECS")
    HS1_SAFER=$(field "$out" rate)
    HSCPU_SAFER=$(cpu_us_per "$c0" "$(cpu_ticks "$SAFERD_PID")" "$(field "$out" handshakes)")
    say "handshakes: TLS 1.3 s_time, 1 client, ${SECS}s"
    c0=$(cpu_ticks "$TLS_PID")
    read -r HS1_TLS n <<<"$(s_time_rate)"
    HSCPU_TLS=$(cpu_us_per "$c0" "$(cpu_ticks "$TLS_PID")" "$n")
    say "handshakes: safer, 2 clients, ${SECS}s"
    out=$(run_bench handshakes --count 10000000 --threads 2 --seconds "$SECS")
    HS2_SAFER=$(field "$out" rate)
    say "handshakes: TLS 1.3 s_time, 2 clients, ${SECS}s"
    s_time_rate >"$TMP/st1" &
    a=$!
    s_time_rate >"$TMP/st2" &
    b=$!
    wait "$a" "$b"
    HS2_TLS=$(awk '{ s += $1 } END { printf "%.1f", s }' "$TMP/st1" "$TMP/st2")
}

# --- small requests per second, 50 connections ------------------------------
bench_requests() {
    local out csv n line c0
    n=$((CONNS * PINGS))
    say "requests: safer, $CONNS connections x $PINGS pings"
    c0=$(cpu_ticks "$SAFERD_PID")
    out=$(run_bench requests --threads "$CONNS" --count "$PINGS" --seconds 60)
    RQCPU_SAFER=$(cpu_us_per "$c0" "$(cpu_ticks "$SAFERD_PID")" "$(field "$out" requests)")
    RQ_SAFER=$(field "$out" rate)
    P50_SAFER=$(field "$out" p50_ms)
    P99_SAFER=$(field "$out" p99_ms)
    say "requests: redis-benchmark ping, $CONNS connections, $n requests"
    c0=$(cpu_ticks "$REDIS_PID")
    csv=$(timeout 120 redis-benchmark -h 127.0.0.1 -p "$RPORT" -t ping -c "$CONNS" -n "$n" \
        --csv --precision 3)
    # PING_MBULK is the real command; PING_INLINE is the telnet form.
    line=$(grep '^"PING_MBULK"' <<<"$csv")
    RQ_REDIS=$(awk -F'"' '{ print $4 }' <<<"$line")
    P50_REDIS=$(awk -F'"' '{ print $10 }' <<<"$line")
    P99_REDIS=$(awk -F'"' '{ print $14 }' <<<"$line")
    # -t ping runs PING_INLINE and PING_MBULK, n requests each.
    RQCPU_REDIS=$(cpu_us_per "$c0" "$(cpu_ticks "$REDIS_PID")" $((2 * n)))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

report() {
    printf '\n%-40s | %12s | %12s | %6s\n' metric safer reference ratio
    printf -- '-----------------------------------------+--------------+--------------+-------\n'
    row() { printf '%-40s | %12s | %12s | %6s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
    row "handshakes/s, 1 client (vs TLS 1.3)" "$HS1_SAFER" "$HS1_TLS"
    row "handshakes/s, 2 clients (vs TLS 1.3)" "$HS2_SAFER" "$HS2_TLS"
    row "requests/s, $CONNS conns (vs redis PING)" "$RQ_SAFER" "$RQ_REDIS"
    row "request p50 ms (vs redis PING)" "$P50_SAFER" "$P50_REDIS"
    row "request p99 ms (vs redis PING)" "$P99_SAFER" "$P99_REDIS"
    row "server CPU us/handshake (vs s_server)" "$HSCPU_SAFER" "$HSCPU_TLS"
    row "server CPU us/request (vs redis-server)" "$RQCPU_SAFER" "$RQCPU_REDIS"
    row "KiB per idle conn (vs redis client)" "$MEM_SAFER" "$MEM_REDIS"
    printf '\n%s cores; %s; %s; ratio = safer / reference.\n' "$(nproc)" \
        "$(openssl version | cut -d' ' -f1-2)" "$(redis-server --version | cut -d' ' -f1-3)"
    # Other work on the machine skews every row; the load says how much there was.
    printf 'load average before: %s; after: %s\n' "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

main() {
    ulimit -n $((IDLE * 2 + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    [ "$(ulimit -n)" -ge $((IDLE + 300)) ] || die "open-file limit $(ulimit -n) is too low"
    ensure_tools
    build
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    start_saferd
    start_redis
    start_tls
    bench_memory
    bench_handshakes
    bench_requests
    report
}

main "$@"
