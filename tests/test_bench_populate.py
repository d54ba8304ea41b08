"""The benchmark directory (`make bench`) still fits the schema: a tiny run of bench.populate."""

import pytest
from django.db import connection

from bench.populate import populate
from directory.models import Company, ContactChannel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bench.populate writes with PostgreSQL's COPY")
def test_populate_fills_every_table_the_bench_reads():
    populate(4, seed=1)
    assert Company.objects.count() == 4
    assert ContactChannel.objects.filter(company__slug__endswith="-1").count() == 5
    assert all(company.grade == "" for company in Company.objects.all())
