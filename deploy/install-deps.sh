#!/usr/bin/env bash
# Installs the Debian 12 packages Safer needs to build, run and test.
# Run as root. Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
    build-essential cmake pkg-config clang-format
    libuv1-dev libprotobuf-c-dev protobuf-c-compiler libsodium-dev
    libsqlite3-dev sqlite3 libjansson-dev check valgrind
    libcmark-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
    libinih-dev
)

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (it calls apt-get install)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
