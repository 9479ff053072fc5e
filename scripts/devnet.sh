#!/usr/bin/env bash
# One command: install what is missing, then start the devnet (arguments go to `aleph devnet`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/aleph.js devnet "$@"
