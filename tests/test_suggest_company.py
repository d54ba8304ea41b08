import pytest
from django.test import Client

from directory.models import CompanySuggestion

pytestmark = pytest.mark.django_db


def test_the_form_is_prefilled_from_the_search(client):
    html = client.get("/suggest-company/", {"name": "Quxbarz Widgets"}).content.decode()
    assert 'value="Quxbarz Widgets"' in html


def test_a_suggestion_is_saved_for_staff_and_the_visitor_thanked(client):
    response = client.post(
        "/suggest-company/",
        {"name": "Quxbarz Widgets", "website": "quxbarz.example", "details": "Chat only"},
        follow=True,
    )
    assert "Thank you. We will look into it" in response.content.decode()
    saved = CompanySuggestion.objects.get()
    assert (saved.name, saved.website, saved.status) == ("Quxbarz Widgets", "https://quxbarz.example", "new")
    assert saved.ip_hash and "127.0.0.1" not in saved.ip_hash


def test_bad_input_keeps_what_was_typed(client):
    response = client.post("/suggest-company/", {"name": "", "website": "not a site", "details": "My notes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html and "Enter a valid URL." in html
    assert "My notes" in html and 'value="not a site"' in html
    assert not CompanySuggestion.objects.exists()


def test_the_honeypot_silently_drops_bots(client):
    client.post("/suggest-company/", {"name": "Spam Inc", "nickname": "bot"})
    assert not CompanySuggestion.objects.exists()


def test_suggestions_are_rate_limited_per_address(settings):
    settings.COMPANY_SUGGESTIONS_PER_HOUR = 2
    for n in range(3):
        response = Client().post("/suggest-company/", {"name": f"Company {n}"})
    assert "many suggestions in the last hour" in response.content.decode()
    assert CompanySuggestion.objects.count() == 2


def test_the_form_is_csrf_protected():
    assert Client(enforce_csrf_checks=True).post("/suggest-company/", {"name": "X"}).status_code == 403
