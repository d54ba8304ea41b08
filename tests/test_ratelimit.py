import threading

import pytest
from django.db import connection

from accounts.ratelimit import too_many

NOW = 1_800_000_000


@pytest.mark.django_db
def test_the_database_counter_limits_within_a_window_and_resets_in_the_next():
    assert [too_many("k", 2, 60, now=NOW) for _ in range(3)] == [False, False, True]
    assert too_many("k", 2, 60, now=NOW + 60) is False
    assert too_many("other", 2, 60, now=NOW) is False


@pytest.mark.django_db(transaction=True)
def test_the_database_counter_is_atomic_across_connections():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; concurrency needs PostgreSQL")
    results, barrier = [], threading.Barrier(8)

    def hit():
        barrier.wait()
        try:
            results.append(too_many("shared", 5, 60, now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(False) == 5 and results.count(True) == 3


def test_with_redis_the_counter_lives_in_redis_and_expires_with_its_window(redis_settings):
    from core.redis_client import client

    assert [too_many("r", 1, 60, now=NOW) for _ in range(2)] == [False, True]
    counter = f"gethelp:ratelimit:r:{NOW - NOW % 60}"
    assert client().get(counter) == b"2" and 0 < client().ttl(counter) <= 60


@pytest.mark.django_db
def test_with_redis_down_limits_are_counted_in_the_database_and_writes_go_through(redis_down):
    assert [too_many("down", 2, 60, now=NOW) for _ in range(3)] == [False, False, True]
