"""The change detector on hand-made answer sequences (no database)."""

import random

from freshness.detector import DAY, Detector, Recovery, threshold


def feed(detector, answers, start=0.0, every=DAY):
    """Feeds (worked, weight) answers `every` seconds apart; returns how many "No" it took to flag, or None."""
    failures = 0
    for n, (worked, weight) in enumerate(answers):
        failures += not worked
        if detector.add(start + n * every, worked, weight):
            return failures
    return None


def good_history(count, noise_every=7):
    """`count` answers of a working channel: one "No" in every `noise_every` (about 14 %)."""
    return [(n % noise_every != 0, 1) for n in range(1, count + 1)]


def failures_to_flag(history, every=DAY):
    detector = Detector()
    assert feed(detector, history, every=every) is None
    return feed(detector, [(False, 1)] * 40, start=len(history) * every, every=every)


def test_a_long_good_history_then_a_few_failures_is_flagged():
    assert failures_to_flag(good_history(300)) <= 7
    # One answer a week: a handful of "No" in a row is already rare.
    assert failures_to_flag(good_history(50), every=7 * DAY) <= 6


def test_how_long_a_number_worked_does_not_slow_the_flag_down():
    needed = [failures_to_flag(good_history(count)) for count in (10, 60, 200, 360)]
    assert max(needed) - min(needed) <= 1, needed


def test_steady_noise_of_twenty_percent_never_flags():
    detector = Detector()
    # Exactly one "No" in five, five years long, at one answer a day.
    assert feed(detector, [(n % 5 != 0, 1) for n in range(5 * 365)]) is None
    # And at random: 20 % noise, 20 answers a day for a year.
    rng = random.Random(20)
    assert feed(Detector(), [(rng.random() >= 0.2, 1) for _ in range(20 * 365)], every=DAY / 20) is None


def test_answers_that_weigh_nothing_never_flag():
    detector = Detector()
    feed(detector, good_history(100))
    # A burst from one network: only its first answer has weight.
    assert feed(detector, [(False, 1)] + [(False, 0)] * 200, start=100 * DAY, every=60) is None


def test_editors_answers_count_for_more():
    plain, weighted = Detector(), Detector()
    history = good_history(100)
    feed(plain, history)
    feed(weighted, history)
    by_people = feed(plain, [(False, 1)] * 20, start=100 * DAY)
    by_editors = feed(weighted, [(False, 2)] * 20, start=100 * DAY)
    assert by_editors < by_people


def test_busier_channels_need_a_few_more_failures_not_many_more():
    assert threshold(52) < threshold(365) < threshold(73_000)
    assert threshold(73_000) - threshold(52) < 8  # about five more "No" at most


def test_the_run_says_how_many_people_failed_since_when():
    detector = Detector()
    feed(detector, good_history(100))
    answers = [(False, 1), (False, 1), (True, 1)] + [(False, 1)] * 20
    feed(detector, answers, start=100 * DAY)
    run = detector.run
    assert run.started == 100 * DAY
    assert run.failures == run.people - 1
    evidence = run.evidence()
    assert evidence["rule"] == "change" and evidence["since"].startswith("1970-04-11")
    assert 0.1 < evidence["usual_failure_rate"] < 0.2


def test_a_recovered_number_is_recognised_by_later_successes():
    detector = Detector()
    feed(detector, good_history(100))
    recovery = Recovery(detector.usual())
    assert not recovery.add(True) and not recovery.add(True)
    assert recovery.add(True)  # three people got through in a row
    assert "3 of the 3 people" in recovery.summary()
    # Failures keep a dead number's flag open.
    still_dead = Recovery(detector.usual())
    assert not any(still_dead.add(n % 3 == 0) for n in range(30))


def test_the_sweep_may_skip_channels_with_fewer_failures_than_could_ever_flag():
    from freshness.detector import USUAL_RATE_RANGE, fewest_failures_to_flag, step

    fewest = fewest_failures_to_flag()
    # Even at the lowest usual rate (the largest step a "No" can make) and the lowest threshold:
    assert (
        step(USUAL_RATE_RANGE[0], False, fewest - 1)
        < threshold(0)
        <= step(USUAL_RATE_RANGE[0], False, fewest)
    )
