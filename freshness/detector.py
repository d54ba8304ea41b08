"""Did a channel stop working? A change detector on its stream of "did this work?" answers.

The rule, for volunteers. Some people never get through even on a good number: they
dialled wrong or gave up. So every channel has a usual failure rate, which we learn
from its own answers (before it has many, we assume 1 in 5). Each new answer moves a
score. A "No" adds how many times more likely that answer is from a dead number than
from this channel on a normal day (as a logarithm); a "Yes" takes off how much less
likely it is. When the score falls back to zero, the answers behind it were ordinary
and join the channel's history. When it reaches the threshold, the latest run of "No"
is too unlikely to be the usual bad luck, and the channel is flagged. A long good
history does not slow this down: the score starts from zero after every ordinary
stretch, so a number that worked for years is judged on the people since it broke.

The threshold grows slowly with the channel's traffic: a busy line sees more chance
runs of bad luck in a year, so it needs a few more "No" answers in a row (5 or 6 at
one answer a week, 8 or 9 at hundreds a day). It is set so that a working channel at
20 % noise is flagged by chance less than once in a hundred years
(`make simulate-freshness` measures it).

Only credible answers count, through their weight (see ChannelReport.weight): a second
answer from the same network on the same day weighs nothing, a signed-in editor's
counts twice, a trusted editor's three times.

After a flag, the same score runs the other way: once later answers are clearly those
of a working channel again (about three more people got through than its usual
failures explain), the flag is closed as recovered.

This is Page's CUSUM test on the log-likelihood ratio of a Bernoulli stream, with the
in-control rate learned from the stream itself.
"""

import math
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

DAY = 86400.0
DEAD_FAILURE_RATE = 0.9  # a dead number: nearly everyone fails (some "Yes" votes are mistakes too)
PRIOR_FAILURES, PRIOR_ANSWERS = 4.0, 20.0  # before a channel has history: 1 in 5 fail
USUAL_RATE_RANGE = (0.05, 0.5)  # above half, the channel was never a good one: judge it as failing
# The threshold assumes the worst usual noise we design for: a channel's own estimate
# can be low by chance, and a low estimate must not also lower the bar.
DESIGN_NOISE = 0.2
# Tuned with the simulation: the bound below is loose (the usual rate is estimated),
# so the nominal rate sits under the target of 1 % of channels a year.
FALSE_FLAGS_PER_YEAR = 0.002
MIN_ANSWERS_PER_YEAR = 52.0  # judge quiet channels as if they had one answer a week
RECOVERY_THRESHOLD = math.log(100)  # later answers 100 times likelier from a working channel


def usual_rate(failures, answers):
    low, high = USUAL_RATE_RANGE
    return min(high, max(low, (PRIOR_FAILURES + failures) / (PRIOR_ANSWERS + answers)))


def threshold(answers_per_year):
    """The score at which a run of "No" is flagged: chance runs that high come less than
    FALSE_FLAGS_PER_YEAR times a year (each "No" may start one, and each reaches the
    threshold h with probability below e^-h)."""
    failures_per_year = DESIGN_NOISE * max(answers_per_year, MIN_ANSWERS_PER_YEAR)
    return math.log(failures_per_year / FALSE_FLAGS_PER_YEAR)


def fewest_failures_to_flag():
    """The least total weight of "No" answers that can reach the lowest threshold, each at
    the largest step: a channel with less cannot be flagged, so the sweep skips it."""
    return math.ceil(threshold(0) / step(USUAL_RATE_RANGE[0], False, 1))


def step(usual, worked, weight):
    """How much one answer moves the score towards "dead"."""
    if worked:
        return weight * math.log((1 - DEAD_FAILURE_RATE) / (1 - usual))
    return weight * math.log(DEAD_FAILURE_RATE / usual)


@dataclass
class Run:
    """The answers since the score last left zero: what a flag and the page report."""

    started: float
    people: int = 0
    failures: int = 0
    usual: float = 0.0  # the channel's usual failure rate when the run was flagged

    def evidence(self):
        """What a flag keeps: enough for the page's sentence and the admin's check."""
        return {
            "rule": "change",
            "people": self.people,
            "failures": self.failures,
            "since": datetime.fromtimestamp(self.started, UTC).isoformat(),
            "usual_failure_rate": round(self.usual, 3),
        }


class Detector:
    """Feed a channel's credible answers in time order with `add`; it says when to flag.

    `window` (seconds) bounds the history that sets the usual rate and the traffic, as
    the sweep only reads that far back.
    """

    def __init__(self, window=365 * DAY):
        self.window = window
        self.history = deque()  # (time, failures, answers) of ordinary stretches
        self.failures = self.answers = 0.0
        self.score = 0.0
        self.run = None
        self.pending = []  # the answers of the current run: history once it proves ordinary
        self.times = deque()  # when answers came, for the traffic over the window

    def usual(self):
        return usual_rate(self.failures, self.answers)

    def answers_per_year(self, now):
        span = min(self.window, max(now - self.times[0], 30 * DAY)) if self.times else self.window
        return len(self.times) * 365 * DAY / span

    def add(self, at, worked, weight=1):
        """Takes one answer; True when the score reaches the threshold with it."""
        if weight <= 0:
            return False
        self._forget_before(at - self.window)
        self.times.append(at)
        usual = self.usual()
        self.score = max(0.0, self.score + step(usual, worked, weight))
        self.pending.append((at, 0 if worked else weight, weight))
        if self.run is None:
            self.run = Run(started=at)
        self.run.people += 1
        self.run.failures += not worked
        if self.score == 0.0:
            for time, failures, answers in self.pending:
                self.history.append((time, failures, answers))
                self.failures += failures
                self.answers += answers
            self.pending, self.run = [], None
            return False
        if self.score < threshold(self.answers_per_year(at)):
            return False
        self.run.usual = usual
        return True

    def restart(self):
        """A person judged the current run (or later answers closed its flag): only what comes next counts."""
        self.score, self.pending, self.run = 0.0, [], None

    def _forget_before(self, oldest):
        while self.history and self.history[0][0] < oldest:
            _, failures, answers = self.history.popleft()
            self.failures -= failures
            self.answers -= answers
        while self.times and self.times[0] < oldest:
            self.times.popleft()


class Recovery:
    """After a flag: True once later answers are clearly those of a working channel."""

    def __init__(self, usual):
        self.usual = usual
        self.score = 0.0
        self.people = self.reached = 0

    def add(self, worked, weight=1):
        if weight <= 0:
            return False
        self.people += 1
        self.reached += bool(worked)
        self.score = max(0.0, self.score - step(self.usual, worked, weight))
        return self.score >= RECOVERY_THRESHOLD

    def summary(self):
        return f"Works again: {self.reached} of the {self.people} people since the flag got through."
