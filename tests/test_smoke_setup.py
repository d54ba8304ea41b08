import pytest

from tests.factories import make_company


@pytest.mark.django_db
def test_home_page_lists_a_company(client):
    company = make_company(name="Northwind Wireless")
    response = client.get("/")
    assert response.status_code == 200
    assert company.name in response.content.decode()
