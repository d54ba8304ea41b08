from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import Company, ContactChannel
from tests.factories import make_channel, make_company

pytestmark = pytest.mark.django_db


def build(company, **kwargs):
    kwargs.setdefault("kind", "phone")
    return ContactChannel(company=company, **kwargs)


def errors_of(channel):
    with pytest.raises(ValidationError) as exc:
        channel.full_clean()
    return exc.value.message_dict


def test_phone_is_stored_in_e164_and_shown_in_national_format():
    channel = make_channel(value="(202) 555-0143", country="US")
    assert channel.value == "+12025550143"
    assert channel.display_value == "(202) 555-0143"


def test_uk_phone_uses_the_channel_country_for_parsing():
    channel = make_channel(value="020 7946 0123", country="GB")
    assert channel.value == "+442079460123"
    assert channel.display_value == "020 7946 0123"


@pytest.mark.parametrize("value", ["not a number", "12", "+1 555 0100", "+44 20 7946"])
def test_bad_phone_is_rejected_with_a_message(value):
    assert "value" in errors_of(build(make_company(), value=value))


@pytest.mark.parametrize(
    "kind,value",
    [
        ("email", "help@@example"),
        ("web_form", "not a url"),
        ("chat", "javascript:alert(1)"),
        ("app", "ftp://x.example"),
    ],
)
def test_bad_email_and_urls_are_rejected(kind, value):
    assert "value" in errors_of(build(make_company(), kind=kind, value=value))


def test_social_account_needs_a_platform_and_gets_an_at_handle():
    company = make_company()
    assert "social_platform" in errors_of(build(company, kind="social", value="northwind"))
    channel = make_channel(company, kind="social", social_platform="bluesky", value="northwind.example")
    assert channel.value == "@northwind.example"
    assert channel.href == "https://bsky.app/profile/northwind.example"


@pytest.mark.parametrize(
    "hours,message",
    [
        ([{"day": "mon", "opens": "18:00", "closes": "09:00"}], "closes"),
        ([{"day": "funday", "opens": "09:00", "closes": "17:00"}], "weekday"),
        ([{"day": "mon", "opens": "9am", "closes": "17:00"}], "HH:MM"),
        (
            [
                {"day": "mon", "opens": "09:00", "closes": "13:00"},
                {"day": "mon", "opens": "12:00", "closes": "17:00"},
            ],
            "overlap",
        ),
        ([{"day": "mon"}], "exactly"),
        ("mon-fri 9-5", "list"),
    ],
)
def test_bad_hours_are_rejected_with_a_reason(hours, message):
    errors = errors_of(build(make_company(), value="+12025550100", hours=hours))
    assert message in " ".join(errors["hours"])


def test_hours_are_stored_sorted_and_midnight_closing_means_end_of_day():
    channel = make_channel(
        hours=[
            {"day": "Tue", "opens": "09:00", "closes": "00:00"},
            {"day": "mon", "opens": "08:00", "closes": "12:00"},
        ]
    )
    assert channel.hours == [
        {"day": "mon", "opens": "08:00", "closes": "12:00"},
        {"day": "tue", "opens": "09:00", "closes": "24:00"},
    ]


def test_unknown_time_zone_is_rejected():
    assert "time_zone" in errors_of(build(make_company(), value="+12025550100", time_zone="Mars/Olympus"))


@pytest.mark.parametrize(
    "steps",
    [[{"action": "press", "value": "two"}], [{"action": "dance"}], [{"action": "say"}], "press 2"],
)
def test_bad_ivr_steps_are_rejected(steps):
    assert "ivr_steps" in errors_of(build(make_company(), value="+12025550100", ivr_steps=steps))


def test_only_phones_have_menu_steps():
    channel = build(
        make_company(), kind="email", value="a@b.example", ivr_steps=[{"action": "press", "value": "1"}]
    )
    assert "ivr_steps" in errors_of(channel)


def test_tel_uri_dials_keypresses_and_stops_at_a_spoken_step():
    channel = make_channel(
        value="+12025550100",
        ivr_steps=[
            {"action": "press", "value": "0"},
            {"action": "press", "value": "2"},
            {"action": "say", "value": "agent"},
            {"action": "press", "value": "9"},
        ],
    )
    assert channel.tel_uri == "tel:+12025550100,,0,,2"
    assert channel.ivr_summary == ["Press 0", "Press 2", "Say “agent”", "Press 9"]


def test_source_on_the_company_domain_is_official_and_a_forum_is_not():
    company = make_company(website="https://www.northwind.example/")
    official = make_channel(company, source_url="https://help.northwind.example/contact")
    forum = make_channel(company, source_url="https://forum.example/northwind-number")
    lookalike = make_channel(company, source_url="https://northwind.example.scam.example/")
    assert official.is_official
    assert not forum.is_official
    assert not lookalike.is_official


def test_opening_status_uses_the_channel_time_zone():
    channel = make_channel(
        time_zone="America/New_York",
        hours=[{"day": d, "opens": "08:00", "closes": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")],
    )
    monday_noon_new_york = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    saturday_new_york = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    monday_early_utc_still_sunday_in_new_york = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert channel.opening_status(monday_noon_new_york) == "Open now"
    assert channel.opening_status(saturday_new_york) == "Opens Mon 08:00 EST"
    assert channel.opening_status(monday_early_utc_still_sunday_in_new_york) == "Opens Mon 08:00 EST"
    assert channel.next_opening_at(saturday_new_york).isoformat() == "2026-11-30T08:00:00-05:00"
    summer_friday_night = datetime(2026, 7, 4, 2, 0, tzinfo=UTC)  # Friday 22:00 in New York
    assert channel.opening_status(summer_friday_night) == "Opens Mon 08:00 EDT"


def test_unknown_hours_say_nothing_and_open_all_day_says_so():
    assert make_channel(hours=[]).opening_status() == ""
    assert make_channel(open_24_7=True).opening_status() == "Open 24/7"


def test_only_one_primary_active_channel_per_company_and_department():
    company = make_company()
    make_channel(company, department="billing", is_primary=True)
    make_channel(company, department="billing", is_primary=True, status="retired")
    second = build(company, department="billing", is_primary=True, value="+12025550111")
    assert "__all__" in errors_of(second)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_database_refuses_an_unknown_kind():
    channel = make_channel()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactChannel.objects.filter(pk=channel.pk).update(kind="pigeon")


def test_company_slugs_are_unique():
    first = make_company(slug="northwind")
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(slug="northwind", name="Other", category=first.category)


def test_best_channel_is_the_lowest_ranked_active_channel_that_reaches_a_human():
    company = make_company()
    make_channel(company, human_rank=1, reaches_human=False)
    make_channel(company, human_rank=2, status="retired")
    best = make_channel(company, human_rank=3)
    make_channel(company, human_rank=4)
    assert company.best_channel == best
