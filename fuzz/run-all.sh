#!/bin/sh
# Runs every fuzz target in turn, one at a time, for SECONDS each (default 600), one worker,
# in fork mode so that a crash is saved to artifacts/<target>/ and fuzzing goes on.
# Usage: fuzz/run-all.sh [SECONDS] [TARGET...]     logs in fuzz/logs/<target>.log
set -u
cd "$(dirname "$0")"
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"elf policy manifest zip_index axml arsc dex apk"}
mkdir -p logs
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t"
    start=$(date +%s)
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$secs" -workers=1 -jobs=1 -fork=1 \
        -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="artifacts/$t/" \
        > "logs/$t.log" 2>&1
    end=$(date +%s)
    echo "$t: exit $? after $((end - start)) s; $(grep -E '^#[0-9]+' "logs/$t.log" | tail -1)" >> logs/summary.txt
done
