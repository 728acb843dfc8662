#!/usr/bin/env python3
"""A neighbour that takes the cores away as a busy hypervisor does, so that how the experiment copes with steal can
be tried on a day the host gives none.

Each core gets a real-time (SCHED_FIFO) worker pinned to it. The workers take the cores in episodes (on average
--episode seconds long); each episode's level is drawn from the spread of steal per trial that a fresh run measured
here on a day with steal (issue 21: median 0.05, p90 0.32, max 0.89 cores over the machine; all cores draw the same
episodes and each takes its share), and taken in a slice of every 10 ms window, as a hypervisor that runs another guest
takes a vCPU in slices; for that time nothing else runs on the core. The experiment sees it
as other processes' CPU, not as steal (the kernel cannot tell the two apart only for the hypervisor's), and treats a
trial it disturbed as it treats one disturbed by steal.

    sudo bench/noisy-neighbour.py --seconds 900 --log taken.csv &
    mvn -pl bench verify

Stops after --seconds (bounded), or on SIGTERM/SIGINT. The log has, per second and core, the share of the core taken.
"""
import argparse
import bisect
import multiprocessing
import os
import random
import signal
import sys
import time

WINDOW = 0.010  # a hypervisor's slice: short enough to spread over a 1 s interval, long enough to stall a request


def share(rng, quantiles, cores):
    """One second's share of a core: a draw from the machine's spread of steal (piecewise linear through 0, the median,
    the 90th percentile and the maximum), divided among the cores."""
    median, p90, top = quantiles
    u = rng.random()
    points, values = [0.0, 0.5, 0.9, 1.0], [0.0, median, p90, top]
    i = min(bisect.bisect_right(points, u), len(points) - 1)
    low, high = points[i - 1], points[i]
    machine = values[i - 1] + (values[i] - values[i - 1]) * (u - low) / (high - low)
    return min(machine / cores, 0.95)  # the kernel keeps 5% of each core from real-time tasks anyway


def take(core, seconds, quantiles, cores, episode, seed, queue):
    os.sched_setaffinity(0, {core})
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
    except PermissionError:
        sys.exit("noisy-neighbour: SCHED_FIFO needs root (without it the scheduler shares the core, unlike steal)")
    rng = random.Random(seed)  # every core draws the same episodes, and takes its share of each
    end = time.monotonic() + seconds
    second = time.monotonic()
    episode_end = second
    while second < end:
        if second >= episode_end:
            fraction = share(rng, quantiles, cores)
            episode_end = second + max(1.0, round(rng.expovariate(1.0 / episode)))
        busy = 0.0
        window = second
        while window < second + 1.0:
            start = time.monotonic()
            if start < window + WINDOW:
                stop = min(start + fraction * WINDOW, window + WINDOW)
                while time.monotonic() < stop:
                    pass
                busy += max(0.0, time.monotonic() - start)
            window += WINDOW
            rest = window - time.monotonic()
            if rest > 0:
                time.sleep(rest)
        queue.put((round(second - (end - seconds), 3), core, round(busy, 4)))
        second += 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, required=True, help="how long, at most")
    parser.add_argument("--steal", default="0.05,0.32,0.89",
                        help="the machine's steal per trial in cores: median,p90,max (default: issue 21's fresh run)")
    parser.add_argument("--episode", type=float, default=5.0,
                        help="mean seconds a level of steal lasts (exponential; default 5): a host's contention comes "
                             "and goes over seconds, so that a trial of several seconds sees the spread measured per trial")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="CSV of the share taken, per second and core")
    args = parser.parse_args()
    quantiles = tuple(float(x) for x in args.steal.split(","))
    if len(quantiles) != 3 or not 0 <= quantiles[0] <= quantiles[1] <= quantiles[2] <= os.cpu_count():
        parser.error("--steal wants median,p90,max in cores, ascending, at most the machine's cores")
    cores = sorted(os.sched_getaffinity(0))
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=take, args=(c, args.seconds, quantiles, len(cores), args.episode, args.seed, queue),
                                       daemon=True) for c in cores]
    for w in workers:
        w.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log = open(args.log, "w") if args.log else None
    if log:
        log.write("second,core,taken_seconds\n")
    try:
        while any(w.is_alive() for w in workers) or not queue.empty():
            try:
                row = queue.get(timeout=0.5)
            except Exception:
                continue
            if log:
                log.write("%s,%d,%s\n" % row)
                log.flush()
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
        if log:
            log.close()


if __name__ == "__main__":
    main()
