#!/bin/sh
# Entry point `run.sh` on the shell runtime: start any server on the port we are given ($PORT, also $1).
set -e
cd "$(dirname "$0")/public"
echo "serving $(pwd) on port ${PORT:-$1}"
exec python3 -m http.server --bind 127.0.0.1 "${PORT:-$1}"
