#!/usr/bin/env bash
# The whole suite: unit, integration (real PostgreSQL, Redis, Kafka) and end-to-end (HTTP) tiers.
# The Kafka broker's jars come from Maven Central on first run (tools/kafka/kafka.sh fetch).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/kafka/kafka.sh fetch
# PGlite loads its WASM by dynamic import, which jest allows only in its VM-modules mode.
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
exec npx jest --maxWorkers=2 "$@"
