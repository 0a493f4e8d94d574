#!/usr/bin/env bash
# The first of the README's two commands: installs what Safer needs, builds it
# (Release, in ./build) and hands over to deploy/demo.sh, which fills a fresh
# data folder with a demo partnership, leaves a signed demo pack in it and
# serves it on 127.0.0.1 in the foreground until Ctrl-C. A data folder that
# already holds a database is just served.
#
#   SAFER_DATA          data folder (default ./data)
#   SAFER_LISTEN        listen address (default 127.0.0.1:7443)
#   SAFER_SKIP_DEPS     1: do not run deploy/install-deps.sh (no apt, no root)
#   SAFER_DEMO_ONESHOT  1: stop saferd once the demo is built (for tests)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SAFER_SKIP_DEPS:-0}" != 1 ]; then
    bash deploy/install-deps.sh
fi
echo "quickstart: building Release in ./build (about a minute on two cores)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target saferd safer >/dev/null
echo "quickstart: built build/server/saferd and build/client/safer"

exec bash deploy/demo.sh
