"""Simulated "did this work?" reports, to measure how fast the feedback rule catches a dead number.

Usage: python -m bench.simulate_freshness [--days 1000] [--seed 1]      (make simulate-freshness)

Channels get reports at traffic levels from one a week to 200 a day, for `--days`
simulated days. A working channel still collects "No" votes from people who dialled
wrong or gave up (noise); half the channels die on a random day, after which nearly
every report is a "No"; some get a new phone menu that makes more people fail (35 %);
some are hit by a vandal burst of 30 "No" votes from one network within an hour. Every
report comes from its own visitor on a network drawn from a large pool, so only the
burst repeats a network.

The rule simulated is the sweep's own: `freshness.detector.Detector`, fed each
credible report as it arrives (the sweep runs every few minutes, more often than even
the busiest channel gets a report), with the weights `record_report` gives (a second
report from one network on one day weighs nothing). After a flag on a working channel
the flag is closed (by later answers, `Recovery`, or by an admin within a day) and the
detector starts again from the reports after it, as the sweep does.

Two runs: channels with 10-20 % noise, half of which die (how fast dead numbers are
caught, and what bursts and new menus do), and working channels at exactly 20 % noise
that never die (false flags per 1,000 channel-years at the issue's worst noise).
Results go to bench/results/freshness-simulation.txt.
"""

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

from freshness.detector import DAY, Detector, Recovery, step, threshold

ROOT = Path(__file__).resolve().parent.parent
TIERS = [(1 / 7, 300), (1, 300), (10, 200), (50, 60), (200, 20)]  # (reports a day, channels)
DEAD_FAILURE_RATE = 0.98
MENU_FAILURE_RATE = 0.35
BURST_VOTES = 30
NETWORKS = 10_000_000


@dataclass
class Channel:
    traffic: float
    noise: float
    death: int | None
    menu_change: int | None
    burst: int | None


@dataclass
class Outcome:
    dead_flag_day: int | None = None
    failures_after_death: int = 0
    false_flags: list = field(
        default_factory=list
    )  # days of flags on a working channel, not after a new menu
    menu_flagged: bool = False
    burst_flagged: bool = False
    recovery_days: list = field(default_factory=list)
    alive_days: float = 0.0


def poisson(rng, mean):
    """Reports on one day (Knuth's method is enough at these means; large means use a normal)."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, count, product = 2.718281828459045**-mean, 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def make_channels(rng, days, tiers, noise=(0.10, 0.20), deaths=True):
    channels = []
    for traffic, count in tiers:
        for _ in range(count):
            channels.append(
                Channel(
                    traffic=traffic,
                    noise=rng.uniform(*noise),
                    death=rng.randrange(days // 10, days) if deaths and rng.random() < 0.5 else None,
                    menu_change=rng.randrange(days) if deaths and rng.random() < 0.2 else None,
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


def reports_of_day(rng, channel, day):
    """[(time, worked, network)] of one day, in time order."""
    rate = failure_rate(channel, day)
    reports = [
        (day * DAY + rng.random() * DAY, rng.random() >= rate, rng.randrange(NETWORKS))
        for _ in range(poisson(rng, channel.traffic))
    ]
    if channel.burst == day and (channel.death is None or day < channel.death):
        network, start = rng.randrange(NETWORKS), day * DAY + rng.random() * (DAY - 3600)
        reports += [(start + rng.random() * 3600, False, network) for _ in range(BURST_VOTES)]
    return sorted(reports)


def run_channel(rng, channel, days):
    outcome = Outcome()
    detector, recovery, flagged_at = Detector(), None, None
    for day in range(days):
        seen_networks = set()  # record_report: one network counts once a day
        dead = channel.death is not None and day >= channel.death
        for at, worked, network in reports_of_day(rng, channel, day):
            weight = 0 if network in seen_networks else 1
            seen_networks.add(network)
            if dead and not worked:
                outcome.failures_after_death += weight
            if recovery is not None:
                # A flag on a working channel: closed by later answers, or by an admin after a day.
                recovered, waited = recovery.add(worked, weight), at / DAY - flagged_at
                if recovered or waited > 1:
                    if recovered:
                        outcome.recovery_days.append(waited)
                    recovery = None
                    detector.restart()
                continue
            if not detector.add(at, worked, weight):
                continue
            if dead:
                outcome.dead_flag_day = day
                outcome.alive_days += channel.death
                return outcome
            if channel.burst is not None and 0 <= day - channel.burst <= 1:
                outcome.burst_flagged = True
            elif channel.menu_change is not None and day >= channel.menu_change:
                outcome.menu_flagged = True
            else:
                outcome.false_flags.append(day)
            recovery, flagged_at = Recovery(detector.usual()), at / DAY
    outcome.alive_days += channel.death if channel.death is not None else days
    return outcome


def chance_false_flags(per_day, noise=0.2, longest=600):
    """False flags per channel-year of a working channel with `noise`, by calculation.

    The detector's score on such a channel is a random walk; this sums the chance that
    a walk leaving zero reaches the threshold before it comes back, over every path of
    up to `longest` answers, and multiplies by the walks started in a year (one per
    "No" answered at a score of zero, at most). It needs no luck, so it backs the
    simulated counts where they are few.
    """
    per_year = per_day * 365
    up, down = step(noise, False, 1), step(noise, True, 1)
    limit = threshold(per_year)
    mass, crossed = {(1, 0): noise}, 0.0  # (failures, successes) of the walk: its chance
    for _ in range(longest):
        following = {}
        for (failures, successes), chance in mass.items():
            for worked, probability in ((False, noise), (True, 1 - noise)):
                state = (failures + (not worked), successes + worked)
                score = state[0] * up + state[1] * down
                if score >= limit:
                    crossed += chance * probability
                elif score > 0:
                    following[state] = following.get(state, 0.0) + chance * probability
        mass = following
    return crossed * per_year


def fewest_false_flags(per_day, failures=5, noise=0.2, dead=DEAD_FAILURE_RATE):
    """The fewest false flags per channel-year that ANY rule makes on a working channel with
    `noise` if, whenever a number dies, it is flagged by its `failures`-th "No" at least half
    the time (the issue's median, "whatever its history").

    Why. Take any point in a working channel's answers and the answers that follow it up
    to the `failures`-th "No". Each such continuation is at least (noise/dead)^failures as
    likely from the working channel as from a number that died at that point: every "No"
    is noise/dead times as likely, every "Yes" more likely. The rule sees the same answers
    either way, so if it flags within them with chance 1/2 after a death, it flags within
    them with chance at least (1/2)(noise/dead)^failures when nothing died. A year of a
    working channel holds noise * answers / failures such stretches, one after another.
    """
    stretches = noise * per_day * 365 / failures
    return stretches * 0.5 * (noise / dead) ** failures


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def simulate(days=1000, seed=1, tiers=TIERS, noise=(0.10, 0.20), deaths=True):
    """{traffic: measures} for every traffic level (see the module docstring)."""
    rng = random.Random(seed)
    results = {}
    for channel in make_channels(rng, days, tiers, noise, deaths):
        outcome = run_channel(rng, channel, days)
        tier = results.setdefault(channel.traffic, {"dead": [], "days": [], "never": 0, "deaths": 0, "false": 0,
                                                     "alive_days": 0, "bursts": 0, "burst_flags": 0,
                                                     "menus": 0, "menu_flags": 0, "recovered": []})  # fmt: skip
        if channel.death is not None and channel.death < days:
            tier["deaths"] += 1
            if outcome.dead_flag_day is None:
                tier["never"] += 1
            else:
                tier["dead"].append(outcome.failures_after_death)
                tier["days"].append(outcome.dead_flag_day - channel.death)
        tier["alive_days"] += outcome.alive_days
        tier["false"] += len(outcome.false_flags)
        tier["recovered"] += outcome.recovery_days
        if channel.burst is not None and (channel.death is None or channel.burst < channel.death):
            tier["bursts"] += 1
            tier["burst_flags"] += outcome.burst_flagged
        if channel.menu_change is not None and (channel.death is None or channel.menu_change < channel.death):
            tier["menus"] += 1
            tier["menu_flags"] += outcome.menu_flagged
    return results


def label(traffic):
    return "1/week" if traffic < 1 else f"{traffic:g}"


def report(results, steady, days, seed):
    lines = [
        f"freshness simulation: {days} days, seed {seed}; dead numbers fail {DEAD_FAILURE_RATE:.0%}, "
        f"new menus {MENU_FAILURE_RATE:.0%}, bursts of {BURST_VOTES} from one network within an hour",
        "",
        "Channels with 10-20 % noise; half of them die on a random day:",
        f"{'reports a day':>13} {'failures to flag p50/p95':>25} {'days to flag p50/p95':>21} {'never flagged':>14} "
        f"{'false flags /1000 ch-yr':>24} {'bursts that flagged':>20} {'new menus flagged':>18}",
    ]  # fmt: skip
    for traffic, tier in sorted(results.items()):
        fails = f"{percentile(tier['dead'], 0.5)}/{percentile(tier['dead'], 0.95)}"
        waits = f"{percentile(tier['days'], 0.5)}/{percentile(tier['days'], 0.95)}"
        never = f"{tier['never']}/{tier['deaths']}"
        years = tier["alive_days"] / 365
        false = f"{1000 * tier['false'] / years:.1f}" if years else "-"
        bursts = f"{tier['burst_flags']}/{tier['bursts']}"
        menus = f"{tier['menu_flags']}/{tier['menus']}"
        lines.append(
            f"{label(traffic):>13} {fails:>25} {waits:>21} {never:>14} {false:>24} {bursts:>20} {menus:>18}"
        )
    lines += [
        "",
        "Working channels at 20 % noise that never die (the false-flag target is under 10 per 1,000 channel-years):",
        f"{'reports a day':>13} {'channel-years':>14} {'false flags':>12} {'per 1000 ch-yr':>15} "
        f"{'by calculation':>15} {'closed by later answers within a day':>37}",
    ]  # fmt: skip
    for traffic, tier in sorted(steady.items()):
        years = tier["alive_days"] / 365
        closed = f"{len(tier['recovered'])}/{tier['false']}"
        calculated = 1000 * chance_false_flags(traffic)
        lines.append(
            f"{label(traffic):>13} {years:14.0f} {tier['false']:12} {1000 * tier['false'] / years:15.1f} "
            f"{calculated:15.1f} {closed:>37}"
        )
    lines += [
        "",
        'What the two targets allow together. Any rule that catches half the dead numbers by their 5th "No" '
        "flags working channels at 20 % noise at least this often (fewest_false_flags):",
        f"{'reports a day':>13} {'false flags /1000 ch-yr, at least':>35} {'target':>7}",
    ]
    for traffic in sorted(steady):
        lines.append(f"{label(traffic):>13} {1000 * fewest_false_flags(traffic):35.1f} {'< 10':>7}")
    most = max(t for t in (0.5 * n for n in range(1, 100)) if fewest_false_flags(t) < 0.01)
    lines.append(
        f"Both targets can hold together only up to about {most:g} reports a day; above that, catching a dead "
        'number by its 5th credible "No" means false flags on more than 1 % of working channels a year.'
    )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = simulate(args.days, args.seed)
    steady = simulate(args.days, args.seed + 1, noise=(0.20, 0.20), deaths=False)
    text = report(results, steady, args.days, args.seed)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "freshness-simulation.txt").write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
