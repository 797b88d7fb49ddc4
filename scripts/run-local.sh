#!/usr/bin/env bash
# The whole live pipeline on this machine, no AWS account needed: kinesis-local and dynalite (npm), an
# in-process CloudWatch stub, the job in a local Flink cluster with its web UI, and generated span traffic.
# Progress every 5 s; Ctrl-C (or --duration) drains, prints a summary and stops everything it started.
#
#   scripts/run-local.sh [--duration SECONDS] [--rate TRACES_PER_S] [--web-ui-port N] [--seed S] [--error-ratio X] ...
#   scripts/run-local.sh --help      (every option, among them the span generator's trace-shape options)
#
# Needs java (17), mvn (to build) and node/npm (the emulators). Emulator logs: target/emulators/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

for tool in java mvn node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-local: '$tool' is not on the PATH (needed: java 17, mvn, node and npm)" >&2
    exit 2
  fi
done

emulators="$root/scripts/emulators"
if [[ ! -d "$emulators/node_modules/kinesis-local" || ! -d "$emulators/node_modules/dynalite" ]]; then
  echo "run-local: installing the emulators (npm ci in scripts/emulators)..." >&2
  (cd "$emulators" && npm ci --no-audit --no-fund) >&2
fi

# The launcher builds when needed and supplies the class path and JVM flags.
exec "$root/scripts/trace-assembler" local "$@"
