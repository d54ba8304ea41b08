"""The company grade: the rule from known inputs, how its inputs are gathered and stored, and
where it shows."""

import io
import itertools
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Company
from freshness import grading
from freshness.grading import GradeInputs, grade
from freshness.models import ChannelReport
from tests.factories import (
    make_category,
    make_channel,
    make_company,
    make_guide,
    make_published_guide,
    make_report,
)

PRESS = {"action": "press", "value": "1"}


def inputs(**changes):
    """A company with nothing against it (a direct line everyone gets through on at once, an
    easy online cancel), changed where a test says."""
    perfect = dict(
        human_channel="phone", menu_steps=0, reports=100, reached=100, wait_minutes=1,
        cancel_difficulty="easy", cancel_needs_call=False,
    )  # fmt: skip
    return GradeInputs(**{**perfect, **changes})


def points(result, name):
    return next(part.points_off for part in result.parts if part.name == name)


# The rule ---------------------------------------------------------------------------


def test_nothing_against_a_company_is_an_a_with_every_point():
    result = grade(inputs())
    assert (result.letter, result.score, result.reach_score, result.cancel_score) == ("A", 100, 60, 40)


def test_the_issue_example_adds_up_as_the_page_says():
    result = grade(
        inputs(menu_steps=2, reports=20, reached=17, wait_minutes=12, cancel_difficulty="medium", cancel_needs_call=True)
    )  # fmt: skip
    # 2 steps -6, 85% -8, 12 min -4; medium guide -8, needs a call -10
    assert [(p.name, p.points_off) for p in result.parts] == [
        ("Menu steps", 6), ("Got through", 8), ("Wait", 4), ("Cancel guide", 8), ("Needs a call", 10),
    ]  # fmt: skip
    assert (result.reach_score, result.cancel_score, result.score, result.letter) == (42, 22, 64, "C")
    assert result.summary == (
        "reach a human: 2 menu steps, 85% of 20 people got through, typical wait 12 min; "
        "cancel: medium guide, needs a call"
    )


@pytest.mark.parametrize(
    "score, letter",
    [
        (100, "A"),
        (85, "A"),
        (84, "B"),
        (70, "B"),
        (69, "C"),
        (55, "C"),
        (54, "D"),
        (40, "D"),
        (39, "F"),
        (0, "F"),
    ],
)
def test_every_letter_band_and_its_edges(score, letter):
    assert grading.letter_for(score) == letter


# Each input's choices with what they cost, to build a company worth a given number of points.
COSTS = {
    "menu_steps": [(0, 0), (1, 3), (2, 6), (3, 9), (4, 12)],
    "reached": [(100, 0), (75, 8), (60, 16), (40, 24), (39, 30)],  # of 100 reports
    "wait_minutes": [(5, 0), (6, 4), (16, 8), (31, 12), (61, 18)],
    "cancel_difficulty": [("easy", 0), ("medium", 8), ("hard", 16), ("impossible", 30)],
    "cancel_needs_call": [(False, 0), (True, 10)],
}


def worth(off):
    """Inputs that cost exactly `off` points, chosen from COSTS."""
    for choice in itertools.product(*COSTS.values()):
        if sum(cost for _, cost in choice) == off:
            return dict(zip(COSTS, (value for value, _ in choice), strict=True))
    raise AssertionError(f"no inputs cost {off}")


@pytest.mark.parametrize(
    "off, letter",
    [
        (0, "A"),
        (15, "A"),
        (16, "B"),
        (30, "B"),
        (31, "C"),
        (45, "C"),
        (46, "D"),
        (60, "D"),
        (61, "F"),
        (100, "F"),
    ],
)
def test_points_off_lead_to_each_letter_through_the_rule(off, letter):
    result = grade(inputs(**worth(off)))
    assert (result.score, result.letter) == (100 - off, letter)


@pytest.mark.parametrize("steps, off", [(0, 0), (1, 3), (2, 6), (3, 9), (4, 12), (9, 12)])
def test_each_menu_step_costs_three_points_up_to_twelve(steps, off):
    assert points(grade(inputs(menu_steps=steps)), "Menu steps") == off


@pytest.mark.parametrize(
    "reached, off",
    [(100, 0), (90, 0), (89, 8), (75, 8), (74, 16), (60, 16), (59, 24), (40, 24), (39, 30), (0, 30)],
)
def test_fewer_people_getting_through_costs_more(reached, off):
    assert points(grade(inputs(reports=100, reached=reached)), "Got through") == off


def test_the_share_that_got_through_is_rounded_as_the_page_shows_it():
    # 179 of 200 is 89.5%, shown as 90%
    assert points(grade(inputs(reports=200, reached=179)), "Got through") == 0
    assert "90% of 200 people got through" in grade(inputs(reports=200, reached=179)).summary


@pytest.mark.parametrize("reports", [0, 1, 4])
def test_too_few_reports_count_as_most_channels_do(reports):
    result = grade(inputs(reports=reports, reached=0))
    assert points(result, "Got through") == grading.GOT_THROUGH_UNKNOWN_POINTS == 8
    assert ("no reports yet" if reports == 0 else f"too few reports yet ({reports})") in result.summary


def test_five_reports_are_enough_to_count(settings):
    assert settings.FEEDBACK_MIN_REPORTS_TO_SHOW == 5
    assert points(grade(inputs(reports=5, reached=0)), "Got through") == 30


@pytest.mark.parametrize(
    "minutes, off",
    [(0, 0), (5, 0), (6, 4), (15, 4), (16, 8), (30, 8), (31, 12), (60, 12), (61, 18), (1440, 18), (None, 4)],
)
def test_a_longer_wait_costs_more(minutes, off):
    assert points(grade(inputs(wait_minutes=minutes)), "Wait") == off


def test_the_wait_says_where_it_comes_from_and_a_reply_time_for_e_mail():
    assert "typical wait 12 min (reported)" in grade(inputs(wait_minutes=12, wait_reported=True)).summary
    assert "typical reply time about 1 day" in grade(inputs(human_channel="email", wait_minutes=1440)).summary
    assert "wait not known" in grade(inputs(wait_minutes=None)).summary


@pytest.mark.parametrize(
    "difficulty, off, text",
    [("easy", 0, "easy guide"), ("medium", 8, "medium guide"), ("hard", 16, "hard guide"),
     ("impossible", 30, "impossible guide"), ("", 8, "no cancel guide")],
)  # fmt: skip
def test_a_harder_cancel_guide_costs_more(difficulty, off, text):
    result = grade(inputs(cancel_difficulty=difficulty))
    assert points(result, "Cancel guide") == off
    assert f"cancel: {text}" in result.summary


@pytest.mark.parametrize(
    "needs_call, off, text",
    [(True, 10, "needs a call"), (False, 0, "can cancel online"), (None, 10, "no way to cancel listed")],
)
def test_cancelling_by_phone_only_costs_ten(needs_call, off, text):
    result = grade(inputs(cancel_needs_call=needs_call))
    assert points(result, "Needs a call") == off
    assert text in result.summary


def test_the_worst_of_everything_is_an_f_with_no_points():
    result = grade(
        inputs(menu_steps=7, reports=50, reached=5, wait_minutes=200, cancel_difficulty="impossible", cancel_needs_call=True)
    )  # fmt: skip
    assert (result.letter, result.score, result.reach_score, result.cancel_score) == ("F", 0, 0, 0)


def test_no_way_to_reach_a_human_is_not_graded_yet_whatever_else_is_known():
    result = grade(inputs(human_channel=""))
    assert (result.letter, result.score, result.parts) == (None, None, ())
    assert "no way to reach a human" in result.missing


def test_too_few_reports_and_nothing_about_cancelling_is_not_graded_yet():
    result = grade(inputs(reports=4, reached=4, cancel_difficulty="", cancel_needs_call=None))
    assert result.letter is None
    assert "fewer than 5 people" in result.missing


@pytest.mark.parametrize(
    "known",
    [
        {"reports": 5, "reached": 5},  # enough reports, nothing about cancelling
        {"cancel_difficulty": "hard"},  # a cancel guide, too few reports
        {"cancel_needs_call": False},  # a way to cancel, too few reports
    ],
)
def test_enough_reports_or_anything_about_cancelling_gets_a_grade(known):
    unknown = dict(reports=4, reached=4, cancel_difficulty="", cancel_needs_call=None)
    assert grade(inputs(**{**unknown, **known})).letter is not None


def test_stored_inputs_read_back_and_unknown_keys_are_ignored():
    stored = {"human_channel": "chat", "menu_steps": 0, "reports": 6, "reached": 3, "from_an_older_rule": 1}
    assert GradeInputs.from_stored(stored) == GradeInputs(human_channel="chat", reports=6, reached=3)
    assert GradeInputs.from_stored({}) == GradeInputs()


# Gathering and storing ------------------------------------------------------------------


def backdate(report, days):
    ChannelReport.objects.filter(pk=report.pk).update(created=timezone.now() - timedelta(days=days))


@pytest.fixture
def northwind():
    company = make_company(name="Northwind Wireless", slug="northwind-wireless")
    best = make_channel(
        company, human_rank=1, typical_wait_minutes=12,
        ivr_steps=[PRESS, {"action": "say", "value": "agent"}, {"action": "wait"}],
    )  # fmt: skip
    make_channel(company, human_rank=2, kind="email")
    make_channel(company, human_rank=5, department="cancellations")
    return company, best


@pytest.mark.django_db
def test_inputs_come_from_the_best_channel_its_recent_credible_reports_and_the_cancel_line(northwind):
    company, best = northwind
    for n in range(6):
        make_report(best, worked=n != 0, minutes_waited=20)
    backdate(make_report(best, worked=False), days=91)  # outside the window
    make_report(best, worked=False, weight=0)  # a second answer from one network
    grading.grade_companies()
    company.refresh_from_db()
    assert GradeInputs.from_stored(company.grade_inputs) == GradeInputs(
        human_channel="phone", menu_steps=2, reports=6, reached=5, wait_minutes=20, wait_reported=True,
        cancel_difficulty="", cancel_needs_call=True,
    )  # fmt: skip
    # 2 steps -6, 83% -8, 20 min -8; no guide -8, a call -10
    assert (company.grade, grading.for_company(company).score) == ("C", 60)


@pytest.mark.django_db
def test_with_few_reports_the_wait_is_the_channels_own(northwind):
    company, best = northwind
    make_report(best, minutes_waited=50)
    grading.grade_companies()
    company.refresh_from_db()
    assert (company.grade_inputs["wait_minutes"], company.grade_inputs["wait_reported"]) == (12, False)


@pytest.mark.django_db
def test_the_cancel_guide_and_its_channels_decide_how_cancelling_goes(northwind):
    company, _ = northwind
    form = make_channel(company, kind="web_form", department="billing", human_rank=9)
    make_guide(company, kind="close_account", difficulty="easy", slug="close")
    make_guide(company, kind="cancel", difficulty="impossible", slug="draft", is_published=False)
    cancel = make_guide(company, kind="cancel", difficulty="hard", slug="cancel")
    grading.grade_companies()
    company.refresh_from_db()
    # The published cancel guide comes before the close-account one; without channels of its
    # own, the cancellations line (a phone) is how to cancel.
    assert (company.grade_inputs["cancel_difficulty"], company.grade_inputs["cancel_needs_call"]) == (
        "hard",
        True,
    )
    cancel.channels.add(form)
    grading.grade_companies()
    company.refresh_from_db()
    assert company.grade_inputs["cancel_needs_call"] is False


@pytest.mark.django_db
def test_retired_channels_count_for_nothing():
    company = make_company()
    make_channel(company, status="retired")
    make_channel(company, department="cancellations", kind="email", status="retired")
    grading.grade_companies()
    company.refresh_from_db()
    assert (company.grade, company.grade_inputs["human_channel"]) == ("", "")


def many_companies(count, category):
    for n in range(count):
        company = make_company(category=category)
        best = make_channel(company, human_rank=1, ivr_steps=[PRESS] * (n % 5), typical_wait_minutes=3 * n)
        make_channel(company, kind="email", department="cancellations")
        make_published_guide(company, difficulty=["easy", "hard"][n % 2])
        for _ in range(n % 7):
            make_report(best)


@pytest.mark.django_db
def test_the_sweep_grades_set_wise_in_the_same_queries_for_three_or_nine_companies():
    category = make_category()

    def sweep_queries(count):
        many_companies(count, category)
        Company.objects.update(grade="", grade_inputs={})
        with CaptureQueriesContext(connection) as captured:
            changed = grading.grade_companies()
        assert changed == Company.objects.count() == Company.objects.exclude(grade="").count()
        return len(captured)

    assert sweep_queries(3) == sweep_queries(6)


@pytest.mark.django_db
def test_a_second_sweep_writes_nothing():
    many_companies(3, make_category())
    grading.grade_companies()
    with CaptureQueriesContext(connection) as captured:
        assert grading.grade_companies() == 0
    assert not [q for q in captured if q["sql"].startswith("UPDATE")]


@pytest.mark.django_db
def test_the_sweep_reads_in_bounded_batches():
    many_companies(5, make_category())
    with CaptureQueriesContext(connection) as captured:
        assert grading.grade_companies(batch_size=2) == 5
    # three batches of ids, companies, channels, cancel guides, their channels, reports, an UPDATE
    company_reads = [q for q in captured if 'FROM "directory_company"' in q["sql"] and "LIMIT 2" in q["sql"]]
    assert len(company_reads) == 3


@pytest.mark.django_db
def test_the_daily_job_and_the_command_grade_every_company(settings):
    from freshness import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["every-day-grade-companies"]
    assert entry["task"] == "freshness.tasks.grade_companies"
    many_companies(2, make_category())
    assert tasks.grade_companies() == 2
    Company.objects.update(grade="")
    out = io.StringIO()
    call_command("grade_companies", stdout=out)
    assert out.getvalue().strip() == "grades: 2 changed"


@pytest.mark.django_db
def test_a_report_grades_its_company_once_it_is_saved(client, django_capture_on_commit_callbacks):
    company = make_company()
    channel = make_channel(company, human_rank=1)
    for _ in range(4):
        make_report(channel)
    grading.grade_companies()
    company.refresh_from_db()
    assert company.grade == ""  # 4 reports and nothing about cancelling
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/channels/{channel.pk}/report/", {"worked": "no"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.grade_inputs["reports"], company.grade_inputs["reached"]) == (5, 4)
    # nothing about cancelling is known, and now enough reports: 80% got through -8, wait not
    # known -4, no cancel guide -8
    assert company.grade == grade(GradeInputs.from_stored(company.grade_inputs)).letter == "B"


@pytest.mark.django_db
def test_a_new_channel_or_a_published_guide_grades_the_company_again(django_capture_on_commit_callbacks):
    company = make_company()
    with django_capture_on_commit_callbacks(execute=True):
        make_channel(company, human_rank=1, department="cancellations")
    company.refresh_from_db()
    # a direct line that is also how to cancel, by phone: no reports -8, wait not known -4, no
    # cancel guide -8, a call -10
    assert company.grade == "B"
    with django_capture_on_commit_callbacks(execute=True):
        make_published_guide(company, difficulty="impossible")
    company.refresh_from_db()
    assert (company.grade, company.grade_inputs["cancel_difficulty"]) == ("D", "impossible")


@pytest.mark.django_db
def test_a_set_wise_retirement_grades_the_company_again(django_capture_on_commit_callbacks):
    from directory.models import ContactChannel

    company = make_company()
    channel = make_channel(company, human_rank=1, department="cancellations")
    grading.grade_companies()
    with django_capture_on_commit_callbacks(execute=True):
        ContactChannel.objects.filter(pk=channel.pk).retire(timezone.now())
    company.refresh_from_db()
    assert company.grade == ""


@pytest.mark.django_db
def test_an_import_grades_its_companies_once_at_the_end(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    lines = [
        {"slug": f"firm-{n}", "name": f"Firm {n}", "category": "Energy",
         "channels": [{"kind": "phone", "value": f"+1202555{110 + n:04d}", "department": "cancellations"}]}
        for n in range(3)
    ]  # fmt: skip
    path = tmp_path / "firms.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    calls, real = [], grading.grade_companies
    monkeypatch.setattr(grading, "grade_companies", lambda ids: calls.append(set(ids)) or real(ids))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_directory", str(path), no_progress=True, stdout=io.StringIO())
    assert calls == [set(Company.objects.values_list("pk", flat=True))] and len(calls[0]) == 3
    assert set(Company.objects.values_list("grade", flat=True)) == {"B"}


# Where it shows ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_company_page_shows_the_grade_its_inputs_and_how_we_grade(client, northwind):
    company, _ = northwind
    make_published_guide(company, difficulty="medium")
    grading.grade_companies()
    html = client.get("/companies/northwind-wireless/").content.decode()
    assert '<span class="grade grade-c"><span class="grade-word">Grade</span> C</span>' in html
    assert (
        "64/100 · Reach a human: 2 menu steps, no reports yet, typical wait 12 min; "
        "cancel: medium guide, needs a call." in html
    )
    assert '<a href="/about/grades/">How we grade</a>' in html


@pytest.mark.django_db
def test_a_company_with_too_little_data_says_not_graded_yet_and_why(client):
    make_channel(make_company(slug="acme"), human_rank=1)
    grading.grade_companies()
    html = client.get("/companies/acme/").content.decode()
    assert '<span class="grade grade-none">Not graded yet</span>' in html
    assert "Fewer than 5 people have told us whether they got through" in html


def grades_on(html):
    return re.findall(r'<span class="grade grade-([a-f]|none)">', html)


@pytest.mark.django_db
def test_the_category_page_shows_each_grade_in_the_same_queries_for_three_or_nine_companies(client):
    category = make_category(slug="telecoms")

    def category_queries(count):
        many_companies(count, category)
        grading.grade_companies()
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/categories/telecoms/").content.decode()
        assert len(grades_on(html)) == Company.objects.count()
        return len(captured), html

    three, _ = category_queries(3)
    nine, html = category_queries(6)
    assert three == nine
    letters = dict(Company.objects.values_list("name", "grade"))
    assert sorted(grades_on(html)) == sorted(grade.lower() or "none" for grade in letters.values())


@pytest.mark.django_db
def test_home_and_search_results_show_the_grade_and_not_graded_yet(client):
    graded = make_company(name="Tarragon Power", slug="tarragon", view_count=5)
    make_channel(graded, human_rank=1, department="cancellations")
    make_company(name="Tarragon Water", slug="tarragon-water", view_count=3)
    grading.grade_companies()
    call_command("rebuild_index", interactive=False, verbosity=0)
    for html in (
        client.get("/").content.decode(),
        client.get("/search/", {"q": "tarragon"}).content.decode(),
    ):
        assert grades_on(html) == ["b", "none"]
        assert "Not graded yet" in html


@pytest.mark.django_db
def test_search_results_show_grades_in_the_same_queries_for_two_or_eight_companies(client):
    def results_queries(word, count):
        for n in range(count):
            company = make_company(name=f"{word} Holdings {n:02d}", slug=f"{word.lower()}-{n}")
            make_channel(company, value=f"+1202555{100 + n:04d}", department="cancellations")
        grading.grade_companies()
        call_command("rebuild_index", interactive=False, verbosity=0)
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/search/", {"q": word}).content.decode()
        assert len(grades_on(html)) == count
        return len(captured)

    assert results_queries("Tarragon", 2) == results_queries("Verbena", 8)


@pytest.mark.django_db
def test_how_we_grade_prints_the_formula_from_the_rule_with_worked_examples(client):
    html = client.get("/about/grades/").content.decode()
    assert "<h1>How we grade companies</h1>" in html
    for half, total, rows in grading.rules():
        assert f"{half} ({total} points)" in html
        for name, conditions in rows:
            assert name in html
            for when, off in conditions:
                assert f"<td>{when}</td><td>{f'−{off}' if off else 0}</td>" in html
    for least, letter in grading.LETTERS:
        assert f"Grade</span> {letter}</span></td><td>{least}–" in html
    for title, example in grading.worked_examples():
        assert title in html
        if example.letter:
            assert f"= <strong>{example.score}</strong>" in html
    assert "Not graded yet" in html
    assert {example.letter for _, example in grading.worked_examples()} == {"A", "C", "F", None}


@pytest.mark.django_db
def test_every_page_links_to_how_we_grade_in_its_footer(client):
    html = client.get("/").content.decode()
    assert '<a href="/about/grades/">How we grade companies</a>' in html


@pytest.mark.django_db
def test_a_new_grade_drops_the_cached_company_page(redis_settings):
    from directory.models import ContactChannel

    company = make_company(slug="acme")
    channel = make_channel(company, human_rank=1)
    grading.grade_companies()
    assert "Not graded yet" in Client().get("/companies/acme/").content.decode()
    assert "Not graded yet" in Client().get("/companies/acme/").content.decode()  # from the cache
    # A set-wise change sends no post_save: only the grade's own announcement drops the page.
    ContactChannel.objects.filter(pk=channel.pk).update(department="cancellations")
    assert grading.grade_companies() == 1
    assert "Grade</span> B</span>" in Client().get("/companies/acme/").content.decode()


@pytest.mark.django_db
def test_many_new_grades_drop_every_cached_page_at_once(redis_settings, monkeypatch):
    from directory.models import ContactChannel
    from gethelp import receivers

    company = make_company(slug="acme")
    channel = make_channel(company, human_rank=1)
    grading.grade_companies()
    assert "Not graded yet" in Client().get("/companies/acme/").content.decode()
    monkeypatch.setattr(receivers, "GRADES_DROPPED_ONE_BY_ONE", 0)
    ContactChannel.objects.filter(pk=channel.pk).update(department="cancellations")
    with CaptureQueriesContext(connection) as captured:
        grading.grade_companies()
    assert not [q for q in captured if q["sql"].startswith('SELECT "directory_company"."slug"')]
    assert "Grade</span> B</span>" in Client().get("/companies/acme/").content.decode()
