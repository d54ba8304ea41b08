import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from accounts.models import Profile, can_publish
from guides.models import promote_if_earned
from tests.factories import make_published_guide, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in_as_an_editor(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "mira",
            "email": "mira@example.org",
            "password1": "long-enough-pass-42",
            "password2": "long-enough-pass-42",
        },
        follow=True,
    )
    assert "Welcome, mira!" in response.content.decode()
    user = User.objects.get(username="mira")
    assert user.profile.role == Profile.Role.EDITOR
    assert not can_publish(user)


def test_bad_sign_up_keeps_what_was_typed(client):
    response = client.post(
        "/accounts/signup/", {"username": "mira", "email": "not-an-email", "password1": "a", "password2": "b"}
    )
    html = response.content.decode()
    assert 'value="mira"' in html and 'value="not-an-email"' in html
    assert "Enter a valid email address." in html
    assert not User.objects.filter(username="mira").exists()


def test_log_in_and_log_out_with_a_post(client):
    make_user("mira")
    response = client.post("/accounts/login/", {"username": "mira", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_sends_a_working_link(client):
    make_user("mira")
    client.post("/accounts/password-reset/", {"email": "mira@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"new_password1": "brand-new-pass-77", "new_password2": "brand-new-pass-77"}
    )
    assert response.status_code == 302
    assert client.login(username="mira", password="brand-new-pass-77")


def test_profile_lists_contributions_and_accepted_count(client):
    mira = make_user("mira")
    guide = make_published_guide(author=mira, title="How to cancel Acme")
    guide.save_revision(mira, {**guide.latest_revision().content(), "body": "New body"}, "Pending change")
    html = client.get("/accounts/people/mira/").content.decode()
    assert "2 edits, 1 accepted" in html
    assert "How to cancel Acme" in html and "Pending review" in html


def test_roles_trusted_editors_and_staff_publish():
    assert not can_publish(make_user("new"))
    assert can_publish(make_user("trusted", trusted=True))
    assert can_publish(make_staff("boss"))


def test_editors_are_promoted_after_enough_accepted_edits(settings):
    settings.TRUSTED_EDITOR_THRESHOLD = 2
    mira, reviewer = make_user("mira"), make_user("rev", trusted=True)
    guide = make_published_guide()
    for n in range(2):
        revision = guide.save_revision(mira, {**guide.latest_revision().content(), "body": f"Version {n}"})
        revision.approve(reviewer)
        promote_if_earned(mira)
    mira.profile.refresh_from_db()
    assert mira.profile.role == Profile.Role.TRUSTED


def test_guessing_a_password_is_stopped_after_a_few_tries_with_a_clear_message(client):
    make_user("mira")
    for attempt in range(12):
        response = client.post("/accounts/login/", {"username": "mira", "password": f"guess-{attempt}"})
    html = response.content.decode()
    assert "Too many sign-in attempts" in html and 'value="mira"' in html
    response = client.post("/accounts/login/", {"username": "mira", "password": "pw-for-tests"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_password_reset_mails_are_limited_per_address(client):
    make_user("mira")
    for _ in range(30):
        response = client.post("/accounts/password-reset/", {"email": "mira@example.org"})
    assert len(mail.outbox) == 3
    assert "Too many reset requests" in response.content.decode()
