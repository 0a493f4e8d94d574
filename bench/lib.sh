# Shared by the bench scripts (sourced, not run): cleanup of what a script
# started, messages, and waiting for ports. The sourcing script sets ROOT and
# TMP (a folder of its own, removed at exit) and adds every process it starts
# to PIDS.
# shellcheck shell=bash

PIDS=()

# Stops every process in PIDS (SIGTERM, then at most 5 s each before SIGKILL)
# and removes TMP.
bench_cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '== %s\n' "$*" >&2; }
die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}

# A port nobody listens on, tried at random in a bounded number of attempts.
free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# Waits up to 10 s for process $2 to listen on port $1; $3 is its log.
wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    die "nothing listens on 127.0.0.1:$1: $(tail -5 "$3" 2>/dev/null)"
}
