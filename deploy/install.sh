#!/usr/bin/env bash
# Installs Safer as a system service on Debian 12, as root, from the top of a
# checkout:
#
#   bash deploy/install.sh [--build-dir DIR] [--no-build] [--listen HOST:PORT]
#
# It builds a Release build (or, with --no-build, uses the one in the build
# folder), installs saferd and safer to /usr/local/bin, the man pages to
# /usr/local/share/man and the bash completion for safer; creates the system
# user and group `safer`; initialises /var/lib/safer as that user if it is not
# yet initialised, which prints the first admin's invite; and installs the
# hardened systemd unit, enabling and starting it when systemd is running.
# Running it again upgrades the programs and leaves the data folder alone.
#
#   --build-dir DIR     the CMake build folder (default: build)
#   --no-build          install the binaries already in the build folder
#   --listen HOST:PORT  the address saferd listens on and its invites name, so
#                       the one clients reach it at (default 127.0.0.1:7443;
#                       used on the first install only)
set -euo pipefail

prefix=/usr/local
data=/var/lib/safer
unit=/etc/systemd/system/saferd.service
completion=/usr/share/bash-completion/completions/safer
build=build
do_build=1
listen=127.0.0.1:7443

die() {
    echo "install: $*" >&2
    exit 1
}

usage() {
    sed -n '2,19s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --build-dir)
        [ $# -ge 2 ] || usage
        build=$2
        shift 2
        ;;
    --no-build)
        do_build=0
        shift
        ;;
    --listen)
        [ $# -ge 2 ] || usage
        listen=$2
        shift 2
        ;;
    -h | --help)
        sed -n '2,19s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    *)
        echo "install: unknown option '$1'" >&2
        usage
        ;;
    esac
done

[ "$(id -u)" -eq 0 ] || die "run as root (it installs to $prefix and creates a system user)"
cd "$(dirname "$0")/.."

# Build, installing the build dependencies first when they are missing.
if [ "$do_build" -eq 1 ]; then
    if ! command -v cmake >/dev/null || ! command -v protoc-c >/dev/null \
        || ! pkg-config --exists libuv libprotobuf-c libsodium sqlite3 jansson check libcmark \
            pangocairo inih 2>/dev/null; then
        bash deploy/install-deps.sh
    fi
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" --target saferd safer -j"$(nproc)"
fi
for bin in "$build/server/saferd" "$build/client/safer"; do
    [ -x "$bin" ] || die "$bin is missing: build first, or drop --no-build"
done

# Programs, man pages and completion. install(1) replaces files atomically
# enough for a stopped or running service: the old inode stays open.
install -D -m 0755 "$build/server/saferd" "$prefix/bin/saferd"
install -D -m 0755 "$build/client/safer" "$prefix/bin/safer"
install -D -m 0644 docs/man/saferd.8 "$prefix/share/man/man8/saferd.8"
install -D -m 0644 docs/man/safer.1 "$prefix/share/man/man1/safer.1"
install -D -m 0644 deploy/safer.bash-completion "$completion"
if command -v mandb >/dev/null; then
    mandb -q "$prefix/share/man" || true
fi
echo "install: saferd and safer in $prefix/bin, man pages saferd(8) and safer(1)"

# The service's own user and group, with no login and no home of its own.
if ! getent group safer >/dev/null; then
    groupadd --system safer
fi
if ! getent passwd safer >/dev/null; then
    useradd --system --gid safer --home-dir "$data" --no-create-home \
        --shell /usr/sbin/nologin --comment "Safer reporting hub" safer
fi

# The data folder: made once, owned by safer, private.
install -d -m 0700 -o safer -g safer "$data"
if [ ! -e "$data/safer.db" ]; then
    echo "install: initialising $data; pass the invite below to the first admin privately"
    runuser -u safer -- "$prefix/bin/saferd" init "$data" --listen "$listen"
else
    echo "install: $data is already initialised; left as it is"
fi

# The unit. Only talk to systemd when it is the running init.
install -D -m 0644 deploy/saferd.service "$unit"
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable saferd.service
    systemctl restart saferd.service
    echo "install: saferd is running; see 'systemctl status saferd' and 'journalctl -u saferd'"
else
    echo "install: systemd is not running here, so $unit was installed but not started."
    echo "install: start the server in the foreground with:"
    echo "    runuser -u safer -- $prefix/bin/saferd run $data"
fi
