#!/usr/bin/env bash
# The README's first command from a fresh clone: copies the checkout's files
# (tracked, plus new ones not yet committed and not ignored, so that work in
# progress is tested too) into an empty folder, runs deploy/quickstart.sh
# there with a fresh HOME and data folder, no apt (SAFER_SKIP_DEPS=1) and
# SAFER_DEMO_ONESHOT=1, then checks what the demo promises: a signed pack in
# PDF and HTML that the chair's client verifies (and a tampered copy that it
# does not), a private data folder, a database that passes `saferd check`,
# and a server that stopped cleanly.
#
# Usage: quickstart_test.sh SOURCE_DIR (ctest passes PROJECT_SOURCE_DIR).
set -euo pipefail

src=${1:?usage: quickstart_test.sh SOURCE_DIR}
# ctest counts exit 77 as skipped: without git there is no list of the files
# a clone would hold.
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP: $src is not a git checkout"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/safer-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The files a clone would have, copied without the build folders or data.
mkdir "$work/safer" "$work/home"
(
    cd "$src"
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
        if [ -e "$f" ]; then printf '%s\0' "$f"; fi
    done | tar --null -T - -cf -
) | tar -C "$work/safer" -xf -
[ -f "$work/safer/deploy/quickstart.sh" ] || fail "the copy has no deploy/quickstart.sh"

# A port nothing answers on, so that parallel tests do not collide.
port=
for _ in $(seq 1 50); do
    p=$(shuf -i 20000-59999 -n 1)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        port=$p
        break
    fi
done
[ -n "$port" ] || fail "no free port found"

data=$work/data
start=$(date +%s)
rc=0
env -u SAFER_HOME -u XDG_CONFIG_HOME -u SAFER_DATA -u SAFER_BUILD_DIR \
    HOME="$work/home" SAFER_DATA="$data" SAFER_LISTEN="127.0.0.1:$port" \
    SAFER_SKIP_DEPS=1 SAFER_DEMO_ONESHOT=1 \
    timeout 540 bash "$work/safer/deploy/quickstart.sh" >"$work/out.txt" 2>&1 || rc=$?
echo "quickstart took $(($(date +%s) - start)) s"
if [ "$rc" -ne 0 ]; then
    cat "$work/out.txt" >&2
    fail "deploy/quickstart.sh exited $rc"
fi

chair=$data/demo/homes/HW
safer=$work/safer/build/client/safer
saferd=$work/safer/build/server/saferd
grep -q "pack .*$data/demo/pack/pack-.*-e1.pdf" "$work/out.txt" || fail "the summary names no pack"
grep -q "SAFER_HOME=$chair" "$work/out.txt" || fail "the summary names no chair's SAFER_HOME"

[ "$(stat -c %a "$data")" = 700 ] || fail "$data is mode $(stat -c %a "$data"), not 700"

for ext in pdf html; do
    pack=$(find "$data/demo/pack" -name "pack-*-e1.$ext")
    [ -s "$pack" ] || fail "no $ext pack in $data/demo/pack"
    [ -s "$pack.sig" ] || fail "no signature beside $pack"
    SAFER_HOME=$chair "$safer" pack verify "$pack" >"$work/verify.txt" \
        || fail "pack verify $pack: $(cat "$work/verify.txt")"
    grep -q "good signature by the server of 127.0.0.1:$port" "$work/verify.txt" \
        || fail "unexpected verify output: $(cat "$work/verify.txt")"
    # The check can fail: one byte changed and the signature no longer holds.
    cp "$pack" "$work/tampered.$ext"
    cp "$pack.sig" "$work/tampered.$ext.sig"
    printf 'X' | dd of="$work/tampered.$ext" bs=1 seek=200 conv=notrunc status=none
    if SAFER_HOME=$chair "$safer" pack verify "$work/tampered.$ext" >/dev/null 2>&1; then
        fail "a tampered $ext pack verified"
    fi
done
head -c 5 "$(find "$data/demo/pack" -name 'pack-*-e1.pdf')" | grep -q '^%PDF-' || fail "not a PDF"
grep -q 'Riverside Community Safety Partnership' "$(find "$data/demo/pack" -name 'pack-*-e1.html')" \
    || fail "the HTML pack does not name the partnership"

"$saferd" check "$data" >"$work/check.txt" || fail "saferd check: $(cat "$work/check.txt")"
grep -q 'audit: intact' "$work/check.txt" || fail "saferd check: $(cat "$work/check.txt")"
grep -q 'stopped:' "$data/demo/saferd.log" || fail "saferd did not stop cleanly"
echo "PASS: quickstart from a fresh copy, demo pack verified"
