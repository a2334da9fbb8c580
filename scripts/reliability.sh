#!/usr/bin/env bash
# Reliability under failure, against the release binary on loopback, bounded in time
# (about two minutes): concurrent writers, kill -9 under load, another process holding
# the write lock, idle-socket and slow-header floods, memory per event stream. Prints
# one Markdown table per scenario and a summary line; see server/benches/reliability/.
# Usage: scripts/reliability.sh   (RELIABILITY_SCENARIOS=1,3 runs only those)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ -x "$ROOT/target/release/async-streamer" ] || "$ROOT/scripts/build.sh"
cd "$ROOT"
exec cargo bench -p server --bench reliability
