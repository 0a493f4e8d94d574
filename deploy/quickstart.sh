#!/usr/bin/env bash
# The first of the README's two commands: installs what Safer needs, builds it,
# initialises a data folder (once) and runs saferd on 127.0.0.1 in the
# foreground with its embedded SQLite file. Stop it with Ctrl-C.
#
#   SAFER_DATA   data folder (default ./data)
#   SAFER_LISTEN listen address (default 127.0.0.1:7443)
set -euo pipefail
cd "$(dirname "$0")/.."

data=${SAFER_DATA:-./data}
listen=${SAFER_LISTEN:-127.0.0.1:7443}

bash deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

if [ ! -e "$data/safer.db" ]; then
    ./build/server/saferd init "$data" --listen "$listen"
    echo
    echo "Enrol the first admin with: ./build/client/safer enrol <the invite above>"
fi
exec ./build/server/saferd run "$data"
