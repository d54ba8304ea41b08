"""Simulated "did this work?" reports, to measure how fast the feedback rule catches a dead number.

Usage: python -m bench.simulate_freshness [--days 1000] [--seed 1]      (make simulate-freshness)

Channels get reports at traffic levels from one a week to 200 a day, for `--days`
simulated days. A working channel still collects "No" votes from people who dialled
wrong or gave up (10-20 % noise); half the channels die on a random day, after which
nearly every report is a "No"; some get a new phone menu that makes more people fail
(35 %); some are hit by a vandal burst of 30 "No" votes from one network within an
hour. The feedback rule is evaluated once a day, as the daily sweep does. Reported per
traffic level: failure reports after death until the flag and days until the flag
(median and p95), dead numbers never flagged, false flags per 1,000 channel-years, and
the share of vandal bursts that raised a flag. Results go to
bench/results/freshness-simulation.txt.

The rule simulated is `freshness.sweeps.failing_channels`: the Wilson lower bound of the
failure rate over the last FEEDBACK_WINDOW_DAYS days, at least FEEDBACK_MIN_REPORTS
reports, flagged at FEEDBACK_FAILURE_BOUND.
"""

import argparse
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIERS = [(1 / 7, 300), (1, 300), (10, 200), (50, 60), (200, 20)]  # (reports a day, channels)
DEAD_FAILURE_RATE = 0.98
MENU_FAILURE_RATE = 0.35
BURST_VOTES = 30


@dataclass
class Channel:
    traffic: float
    noise: float
    death: int | None
    menu_change: int | None
    burst: int | None
    failures: list = field(default_factory=list)
    totals: list = field(default_factory=list)


@dataclass
class Outcome:
    flag_day: int | None = None
    failures_after_death: int = 0


def poisson(rng, mean):
    """Reports on one day (Knuth's method is enough at these means; large means use a normal)."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, count, product = 2.718281828459045**-mean, 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def make_channels(rng, days, tiers):
    channels = []
    for traffic, count in tiers:
        for _ in range(count):
            channels.append(
                Channel(
                    traffic=traffic,
                    noise=rng.uniform(0.10, 0.20),
                    death=rng.randrange(days // 10, days) if rng.random() < 0.5 else None,
                    menu_change=rng.randrange(days) if rng.random() < 0.2 else None,
                    burst=rng.randrange(days) if rng.random() < 0.1 else None,
                )
            )
    return channels


def failure_rate(channel, day):
    if channel.death is not None and day >= channel.death:
        return DEAD_FAILURE_RATE
    if channel.menu_change is not None and day >= channel.menu_change:
        return MENU_FAILURE_RATE
    return channel.noise


class WilsonRule:
    """The feedback rule of the daily sweep, on a channel's daily counts."""

    def __init__(self):
        from django.conf import settings

        from freshness.models import wilson_lower_bound

        self.window, self.minimum = settings.FEEDBACK_WINDOW_DAYS, settings.FEEDBACK_MIN_REPORTS
        self.bound, self.wilson = settings.FEEDBACK_FAILURE_BOUND, wilson_lower_bound

    def flags(self, failures, totals, day):
        start = max(0, day - self.window + 1)
        total = sum(totals[start : day + 1])
        return total >= self.minimum and self.wilson(sum(failures[start : day + 1]), total) >= self.bound


def run_channel(rng, channel, days, rule):
    outcome = Outcome()
    for day in range(days):
        reports = poisson(rng, channel.traffic)
        rate = failure_rate(channel, day)
        failed = sum(rng.random() < rate for _ in range(reports))
        if channel.burst == day and (channel.death is None or day < channel.death):
            failed, reports = failed + BURST_VOTES, reports + BURST_VOTES
        channel.failures.append(failed)
        channel.totals.append(reports)
        if channel.death is not None and day >= channel.death:
            outcome.failures_after_death += failed
        if rule.flags(channel.failures, channel.totals, day):
            outcome.flag_day = day
            return outcome
    return outcome


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def simulate(days=1000, seed=1, tiers=TIERS, rule=None):
    """{traffic: measures} for every traffic level (see the module docstring)."""
    rng = random.Random(seed)
    rule = rule or WilsonRule()
    results = {}
    for channel in make_channels(rng, days, tiers):
        outcome = run_channel(rng, channel, days, rule)
        tier = results.setdefault(channel.traffic, {"dead": [], "days": [], "never": 0, "deaths": 0,
                                                     "false": 0, "alive_days": 0, "bursts": 0, "burst_flags": 0})  # fmt: skip
        flagged = outcome.flag_day
        end = flagged if flagged is not None else days
        if channel.death is not None and channel.death < days:
            tier["deaths"] += 1
            tier["alive_days"] += min(end, channel.death)
            if flagged is not None and flagged >= channel.death:
                tier["dead"].append(outcome.failures_after_death)
                tier["days"].append(flagged - channel.death)
            elif flagged is None:
                tier["never"] += 1
        else:
            tier["alive_days"] += end
        if (
            channel.burst is not None
            and channel.burst <= end
            and (channel.death is None or channel.burst < channel.death)
        ):
            tier["bursts"] += 1
        alive_flag = flagged is not None and (channel.death is None or flagged < channel.death)
        if alive_flag and channel.burst is not None and 0 <= flagged - channel.burst <= 3:
            tier["burst_flags"] += 1
        elif alive_flag and (channel.menu_change is None or flagged < channel.menu_change):
            tier["false"] += 1
    return results


def report(results, days, seed):
    lines = [
        f"freshness simulation: {days} days, seed {seed}; dead numbers fail {DEAD_FAILURE_RATE:.0%}, "
        f"working ones 10-20 % (noise), new menus {MENU_FAILURE_RATE:.0%}, bursts of {BURST_VOTES} from one network",
        f"{'reports a day':>13} {'failures to flag p50/p95':>25} {'days to flag p50/p95':>21} {'never flagged':>14} "
        f"{'false flags /1000 ch-yr':>24} {'bursts that flagged':>20}",
    ]  # fmt: skip
    for traffic, tier in sorted(results.items()):
        fails = f"{percentile(tier['dead'], 0.5)}/{percentile(tier['dead'], 0.95)}"
        waits = f"{percentile(tier['days'], 0.5)}/{percentile(tier['days'], 0.95)}"
        never = f"{tier['never']}/{tier['deaths']}"
        years = tier["alive_days"] / 365
        false = f"{1000 * tier['false'] / years:.1f}" if years else "-"
        bursts = f"{tier['burst_flags']}/{tier['bursts']}"
        label = "1/week" if traffic < 1 else f"{traffic:g}"
        lines.append(f"{label:>13} {fails:>25} {waits:>21} {never:>14} {false:>24} {bursts:>20}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    import django

    django.setup()
    text = report(simulate(args.days, args.seed), args.days, args.seed)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "freshness-simulation.txt").write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
