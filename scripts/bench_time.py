#!/usr/bin/env python3
"""Times a shell command for scripts/bench: no hyperfine needed.

    bench_time.py RUNS WARMUP CMD      prints "WALL_MS CPU_MS RSS_KIB" (medians over RUNS runs)

CMD runs under `bash -c`, output discarded, after WARMUP untimed runs. Wall time from
time.perf_counter; CPU is user + system time of the command and every process it waited for
(os.wait4's rusage); RSS is the largest peak resident set of those processes (ru_maxrss).
"""
import os
import statistics
import subprocess
import sys
import time


def once(cmd):
    start = time.perf_counter()
    p = subprocess.Popen(["bash", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss


def main():
    runs, warmup, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for _ in range(warmup):
        once(cmd)
    samples = [once(cmd) for _ in range(runs)]
    wall, cpu, rss = (statistics.median(s[i] for s in samples) for i in range(3))
    print(f"{wall:.1f} {cpu:.1f} {rss:.0f}")


if __name__ == "__main__":
    main()
