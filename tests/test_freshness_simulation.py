"""The freshness simulation's wiring, on a small run (the full run is `make simulate-freshness`)."""

from django.conf import settings

from bench.simulate_freshness import report, simulate


def test_the_simulation_runs_the_sweeps_rule_on_each_traffic_level_and_reports_it():
    results = simulate(days=300, seed=4, tiers=[(10, 12), (1 / 7, 12)])
    assert set(results) == {10, 1 / 7}
    busy = results[10]
    assert busy["deaths"] > 0 and busy["dead"], busy
    # The sweep's rule needs at least FEEDBACK_MIN_REPORTS reports before it flags anything.
    assert min(busy["dead"]) >= settings.FEEDBACK_MIN_REPORTS * 0.5
    assert all(days >= 0 for days in busy["days"])
    text = report(results, 300, 4)
    assert "reports a day" in text and "1/week" in text and "bursts that flagged" in text
