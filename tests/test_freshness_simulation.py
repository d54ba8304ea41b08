"""The freshness simulation's wiring, on a small run (the full run is `make simulate-freshness`)."""

from bench.simulate_freshness import (
    DEAD_FAILURE_RATE,
    chance_false_flags,
    fewest_false_flags,
    report,
    simulate,
)


def test_the_simulation_runs_the_sweeps_detector_on_each_traffic_level_and_reports_it():
    results = simulate(days=300, seed=4, tiers=[(10, 12), (1 / 7, 12)])
    assert set(results) == {10, 1 / 7}
    busy = results[10]
    assert busy["deaths"] > 0 and busy["dead"], busy
    assert busy["never"] == 0
    # A dead number is caught after a handful of "No", not after a share of its history.
    assert max(busy["dead"]) <= 20
    assert all(days >= 0 for days in busy["days"])
    assert sum(tier["burst_flags"] for tier in results.values()) == 0
    steady = simulate(days=300, seed=5, tiers=[(1, 10)], noise=(0.2, 0.2), deaths=False)
    assert steady[1]["deaths"] == 0 and steady[1]["alive_days"] == 3000
    text = report(results, steady, 300, 4)
    assert "reports a day" in text and "1/week" in text and "bursts that flagged" in text
    assert "Working channels at 20 % noise" in text
    assert "Both targets can hold together only up to about" in text


def test_by_calculation_a_working_channel_at_twenty_percent_noise_is_flagged_under_once_a_century():
    for per_day in (1 / 7, 1, 10, 50, 200, 1000):
        assert 0 < chance_false_flags(per_day) < 0.01, per_day


def test_a_rule_that_flags_five_no_in_a_row_makes_at_least_the_fewest_false_flags_any_rule_must():
    # "5 in a row" catches a dead number by its 5th "No" nine times in ten; by calculation a
    # working channel at 20 % noise has a run of 5 "No" after a "Yes" this often a year:
    for per_day in (1 / 7, 1, 10, 200):
        runs_per_year = per_day * 365 * 0.8 * 0.2**5
        assert DEAD_FAILURE_RATE**5 > 0.5
        assert runs_per_year >= fewest_false_flags(per_day), per_day


def test_the_bound_allows_both_targets_for_quiet_channels_only():
    assert fewest_false_flags(1 / 7) < 0.01 and fewest_false_flags(1) < 0.01
    assert fewest_false_flags(10) > 0.01 and fewest_false_flags(200) > 0.1
