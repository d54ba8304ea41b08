"""Review that cannot leak: readers see only the published revision, approving merges instead of overwriting."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils.html import escape

from guides.merge import MINE_MARK, THEIRS_MARK, merge_content, merge_text
from guides.models import EditConflict, Guide, GuideRevision
from tests.factories import make_company, make_published_guide, make_user

pytestmark = pytest.mark.django_db

TWO_PARAGRAPHS = "Call 0800 and press 2.\n\nAsk for the retention team."


@pytest.fixture
def guide():
    return make_published_guide(
        make_company(slug="acme", website="https://www.acme.example/"),
        slug="reach",
        title="Reach a human at Acme",
        body=TWO_PARAGRAPHS,
    )


def login(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(guide, base, **changes):
    data = {"title": guide.title, "body": guide.body, "difficulty": guide.difficulty, "estimated_minutes": "",
            "summary": "", "base_revision": base, **changes}  # fmt: skip
    return data


def edit(client, guide, base, **changes):
    return client.post(f"/companies/acme/guides/{guide.slug}/edit/", form_data(guide, base, **changes))


def public_text(guide):
    return Client().get(f"/companies/acme/guides/{guide.slug}/").content.decode()


def test_a_trusted_edit_of_another_field_never_publishes_someone_elses_pending_text(guide):
    edit(login(make_user("newbie")), guide, 1, body=TWO_PARAGRAPHS + "\n\nUNREVIEWED: call (202) 555-0188.")
    trusted = login(make_user("tess", trusted=True))
    page = trusted.get("/companies/acme/guides/reach/edit/").content.decode()
    assert "UNREVIEWED" not in page  # the form starts from the published text...
    assert "1 edit by other people waits for review (revision 2 by newbie)" in page  # ...and says what waits
    edit(trusted, guide, 1, estimated_minutes="15", summary="Typical call length")
    assert "about 15 min" in public_text(guide) and "UNREVIEWED" not in public_text(guide)
    pending = GuideRevision.objects.get(revision_number=2)
    login(make_user("rita", trusted=True)).post(
        f"/edits/{pending.pk}/review/", {"decision": "reject", "note": "Not the company's number"}
    )
    guide.refresh_from_db()
    assert "UNREVIEWED" not in public_text(guide) and "UNREVIEWED" not in guide.body
    pending.refresh_from_db()
    assert (pending.status, pending.review_note) == ("rejected", "Not the company's number")
    history = login(pending.author).get("/companies/acme/guides/reach/history/").content.decode()
    assert "Not the company&#x27;s number" in history


def test_approving_an_older_revision_after_a_newer_one_never_rolls_the_page_back():
    author, reviewer = make_user("newbie"), login(make_user("rita", trusted=True))
    company = make_company(slug="acme")
    client = login(author)
    data = {"kind": "cancel", "title": "How to cancel", "body": "Write to them.", "difficulty": "hard"}
    client.post("/companies/acme/guides/new/", data)
    guide = Guide.objects.get(company=company)
    page = client.get(f"/companies/acme/guides/{guide.slug}/edit/").content.decode()
    assert "Write to them." in page  # the author continues their own unpublished guide
    edit(
        client,
        guide,
        1,
        title="How to cancel",
        body="Write to them.\n\nKeep the reference.",
        difficulty="hard",
    )
    first, second = GuideRevision.objects.order_by("revision_number")
    assert (first.status, first.review_note) == ("superseded", "Continued in revision 2.")
    queue = reviewer.get("/edits/pending/").content.decode()
    assert "revision 2 by newbie" in queue and "revision 1 by newbie" not in queue
    reviewer.post(f"/edits/{second.pk}/review/", {"decision": "approve"})
    response = reviewer.post(f"/edits/{first.pk}/review/", {"decision": "approve"}, follow=True)
    assert "Someone already reviewed this edit." in response.content.decode()
    guide.refresh_from_db()
    assert guide.body == "Write to them.\n\nKeep the reference." and guide.current_revision == second


def test_a_stale_revision_approved_after_a_newer_one_is_merged_onto_it(guide):
    first, second = make_user("ann"), make_user("bob")
    edit(login(first), guide, 1, body="Call 0800 and press 3.\n\nAsk for the retention team.")
    edit(login(second), guide, 1, body="Call 0800 and press 2.\n\nAsk for the loyalty team.")
    ann_revision, bob_revision = GuideRevision.objects.filter(status="pending").order_by("revision_number")
    reviewer = login(make_user("rita", trusted=True))
    reviewer.post(f"/edits/{bob_revision.pk}/review/", {"decision": "approve"})
    response = reviewer.post(f"/edits/{ann_revision.pk}/review/", {"decision": "approve"}, follow=True)
    assert "merged with the published text" in response.content.decode()
    guide.refresh_from_db()
    assert guide.body == "Call 0800 and press 3.\n\nAsk for the loyalty team."
    assert guide.current_revision.revision_number == 4 and guide.current_revision.author == first
    ann_revision.refresh_from_db()
    assert ann_revision.status == "approved" and ann_revision.review_note == "Merged into revision 4."


def test_overlapping_pending_edit_shows_the_reviewer_both_versions_and_publishes_their_merge(guide):
    edit(login(make_user("ann")), guide, 1, body="Call 0800 and press 3.\n\nAsk for the retention team.")
    edit(
        login(make_user("tess", trusted=True)),
        guide,
        1,
        body="Call 0800 and press 9.\n\nAsk for the retention team.",
    )
    pending = GuideRevision.objects.get(status="pending")
    reviewer = login(make_user("rita", trusted=True))
    response = reviewer.post(f"/edits/{pending.pk}/review/", {"decision": "approve"})
    html = response.content.decode()
    assert response.status_code == 409 and "Nothing was published" in html
    assert escape(MINE_MARK) in html and "press 3" in html and "press 9" in html
    guide.refresh_from_db()
    assert "press 9" in guide.body and GuideRevision.objects.get(pk=pending.pk).status == "pending"
    token = re.search(r'name="resolves" value="([^"]+)"', html).group(1)
    resolved = form_data(guide, 3, body="Call 0800 and press 3, then 9.\n\nAsk for the retention team.")
    someone_else = login(make_user("tess2", trusted=True))
    someone_else.post("/companies/acme/guides/reach/edit/", {**resolved, "resolves": token, "summary": "x"})
    assert GuideRevision.objects.get(pk=pending.pk).status == "pending"  # the token is the reviewer's alone
    guide.refresh_from_db()
    resolved = form_data(guide, 4, body="Call 0800 and press 3, then 9.\n\nAsk for the retention team.")
    reviewer.post("/companies/acme/guides/reach/edit/", {**resolved, "resolves": token})
    guide.refresh_from_db()
    assert guide.body.startswith("Call 0800 and press 3, then 9.")
    pending.refresh_from_db()
    assert pending.status == "approved" and "Merged by hand into revision 5" in pending.review_note


def test_editors_on_different_paragraphs_merge_and_on_the_same_paragraph_get_a_merged_draft(guide):
    ann, bob = login(make_user("ann", trusted=True)), login(make_user("bob", trusted=True))
    edit(ann, guide, 1, body="Call 0800 and press 3.\n\nAsk for the retention team.", summary="New menu")
    response = edit(bob, guide, 1, body="Call 0800 and press 2.\n\nAsk for the loyalty team.")
    assert response.status_code == 302  # different paragraphs: merged and published
    guide.refresh_from_db()
    assert guide.body == "Call 0800 and press 3.\n\nAsk for the loyalty team."
    response = edit(ann, guide, 1, body="Call 0800 and press 4.\n\nAsk for the retention team.")
    html = response.content.decode()
    assert response.status_code == 409 and "Someone else saved this guide" in html
    assert (
        escape(MINE_MARK) in html and escape(THEIRS_MARK) in html and "press 4" in html and "press 3" in html
    )
    assert "loyalty team" in html  # bob's change to the other paragraph is in the draft
    assert 'name="base_revision" value="3"' in html
    kept_markers = edit(ann, guide, 3, body=f"{MINE_MARK}\npress 4\n=======\npress 3\n{THEIRS_MARK}")
    assert "remove the lines" in kept_markers.content.decode()
    guide.refresh_from_db()
    assert MINE_MARK not in guide.body


def test_a_missing_or_foreign_base_is_a_conflict_not_an_overwrite(guide):
    response = edit(login(make_user("tess", trusted=True)), guide, 99, body="Overwrite everything.")
    assert response.status_code == 409
    guide.refresh_from_db()
    assert guide.body == TWO_PARAGRAPHS


def test_a_new_guide_is_previewed_for_its_author_and_reviewers_and_hidden_from_everyone_else():
    make_company(slug="zeta")
    author = login(make_user("newbie"))
    data = {
        "kind": "cancel",
        "title": "How to cancel Zeta",
        "body": "Write to **them**.",
        "difficulty": "hard",
    }
    author.post("/companies/zeta/guides/new/", data)
    url = "/companies/zeta/guides/how-to-cancel-zeta/"
    preview = author.get(url).content.decode()
    assert "Not published yet." in preview and "<strong>them</strong>" in preview
    assert '<meta name="robots" content="noindex">' in preview
    reviewer = login(make_user("rita", trusted=True))
    assert "Not published yet." in reviewer.get(url).content.decode()
    queue = reviewer.get("/edits/pending/").content.decode()
    assert "New guide" in queue and "<strong>them</strong>" in queue
    assert Client().get(url).status_code == 404
    assert login(make_user("stranger")).get(url).status_code == 404
    assert Client().get(url + "history/").status_code == 404


def test_revert_only_brings_back_text_that_was_published(guide):
    edit(login(make_user("newbie")), guide, 1, body="Spam")
    pending = GuideRevision.objects.get(status="pending")
    pending.reject(make_user("rita", trusted=True))
    admin = login(make_user("tess", trusted=True))
    assert admin.post(f"/companies/acme/guides/reach/revert/{pending.revision_number}/").status_code == 404
    guide.refresh_from_db()
    assert guide.body == TWO_PARAGRAPHS


def test_the_author_sees_that_their_edit_waits(guide):
    author = login(make_user("newbie"))
    edit(author, guide, 1, body=TWO_PARAGRAPHS + "\n\nA new step.")
    assert (
        "Your edit of this guide waits for review"
        in author.get("/companies/acme/guides/reach/").content.decode()
    )
    page = author.get("/companies/acme/guides/reach/edit/").content.decode()
    assert "Continue that edit" in page and "A new step." not in page
    continued = author.get("/companies/acme/guides/reach/edit/?continue=2").content.decode()
    assert "A new step." in continued and 'name="base_revision" value="2"' in continued


def test_merge_keeps_both_sides_changes_and_marks_only_overlaps():
    base = "one\ntwo\n\nthree"
    assert merge_text(base, "ONE\ntwo\n\nthree", "one\ntwo\n\nTHREE") == ("ONE\ntwo\n\nTHREE", False)
    merged, conflict = merge_text(base, "uno\ntwo\n\nthree", "eins\ntwo\n\nthree")
    assert conflict and merged.splitlines()[:5] == [MINE_MARK, "uno", "=======", "eins", THEIRS_MARK]
    same = merge_content(
        {"title": "a", "body": base}, {"title": "b", "body": base}, {"title": "b", "body": base}
    )
    assert same.clean and same.content["title"] == "b"
    fields = merge_content({"title": "a", "body": ""}, {"title": "b", "body": ""}, {"title": "c", "body": ""})
    assert fields.conflicts == ["title"] and fields.content["title"] == "b"


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_one_revision_at_once_apply_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises the whole database; the row locks are PostgreSQL's")
    guide = make_published_guide(make_company(slug="acme"), slug="reach", body=TWO_PARAGRAPHS)
    pending = guide.save_revision(make_user("newbie"), {**guide.current_revision.content(), "body": "New."})
    reviewers, outcomes, start = (
        [make_user("r1", trusted=True), make_user("r2", trusted=True)],
        [],
        threading.Barrier(2),
    )

    def approve(reviewer):
        start.wait()
        try:
            outcomes.append(GuideRevision.objects.get(pk=pending.pk).approve(reviewer))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [None, "published"]
    assert guide.revisions.count() == 2
    guide.refresh_from_db()
    assert guide.body == "New." and guide.current_revision == pending


def test_save_revision_raises_with_the_merged_draft_on_overlap(guide):
    content = guide.current_revision.content()
    press_5 = {**content, "body": "Press 5.\n\nAsk for the retention team."}
    guide.save_revision(None, press_5, base_revision_number=1, publish=True)
    with pytest.raises(EditConflict) as raised:
        guide.save_revision(
            None, {**content, "body": "Press 6.\n\nAsk for the retention team."}, base_revision_number=1
        )
    assert raised.value.merge.conflicts == ["body"]
    assert (
        "Press 6." in raised.value.merge.content["body"] and "Press 5." in raised.value.merge.content["body"]
    )


def test_premium_rate_numbers_are_refused_in_guides_and_corrections_with_what_was_typed_kept(guide):
    from tests.factories import make_channel

    body = TWO_PARAGRAPHS + "\n\nOr call 1-900-555-0199 for faster service."
    response = edit(login(make_user("tess", trusted=True)), guide, 1, body=body)
    html = response.content.decode()
    assert response.status_code == 200 and "is a premium-rate number" in html and "faster service" in html
    channel = make_channel(guide.company, value="+12025550143")
    data = {"action": "fix", "channel": channel.pk, "value": "+1 900 555 0199", "reason": "new line"}
    response = Client().post("/companies/acme/suggest/", data)
    assert "is a premium-rate number" in response.content.decode()
    assert GuideRevision.objects.count() == 1 and not guide.company.corrections.exists()


def test_the_queue_marks_numbers_and_links_not_seen_elsewhere_for_the_company(guide):
    from tests.factories import make_channel

    make_channel(guide.company, value="+12025550143")
    known = "Call (202) 555-0143 or see https://help.acme.example/ then"
    body = f"{known} (202) 555-0177, write to scam@elsewhere.example or visit https://evil.example/x."
    edit(login(make_user("newbie")), guide, 1, body=body)
    queue = login(make_user("rita", trusted=True)).get("/edits/pending/").content.decode()
    assert "Check before approving" in queue
    assert "new number (202) 555-0177" in queue and "(202) 555-0143," not in queue
    assert (
        "new e-mail address scam@elsewhere.example" in queue and "link to another site evil.example" in queue
    )


def test_contributors_follow_their_corrections_and_edits_with_the_reviewers_note(guide):
    from tests.factories import make_channel

    channel = make_channel(guide.company, value="+12025550143", ivr_steps=[{"action": "press", "value": "2"}])
    mira = make_user("mira")
    author = login(mira)
    form = author.get(f"/companies/acme/suggest/?channel={channel.pk}").content.decode()
    assert "The channel now" in form and "(202) 555-0143" in form and "Press 2" in form
    author.post(
        "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "ivr_steps": "press 2, press 9"}
    )
    author.post(
        "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "notes": "Ask for billing"}
    )
    company_page = author.get("/companies/acme/").content.decode()
    assert "2 of your edits for" in company_page and "wait for review" in company_page
    reviewer = login(make_user("rita", trusted=True))
    queue = reviewer.get("/edits/pending/").content.decode()
    assert "Press 2 → Press 9" in queue and "[{" not in queue and "ivr_steps" not in queue
    first, second = mira.channelcorrection_set.order_by("pk")
    reviewer.post(f"/edits/corrections/{first.pk}/review/", {"decision": "approve"})
    reviewer.post(
        f"/edits/corrections/{second.pk}/review/", {"decision": "reject", "note": "Billing has its own line"}
    )
    profile = Client().get("/accounts/people/mira/").content.decode()
    assert "No corrections yet" not in profile and "Applied" in profile and "Rejected" in profile
    assert "Billing has its own line" in profile
    history = Client().get(f"/companies/acme/channels/{channel.pk}/history/").content.decode()
    assert "Press 2 → Press 9" in history and "[{" not in history


def test_the_pending_queue_runs_the_same_queries_for_one_or_many_edits(guide):
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_channel

    channel = make_channel(guide.company, value="+12025550143")
    reviewer = login(make_user("rita", trusted=True))

    def queue_queries():
        with CaptureQueriesContext(connection) as queries:
            assert reviewer.get("/edits/pending/").status_code == 200
        return len(queries)

    def add_work(n):
        author = login(make_user(f"author{n}"))
        edit(author, guide, 1, body=f"{TWO_PARAGRAPHS}\n\nStep {n}: call (202) 555-01{n:02d}.")
        author.post(
            "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "notes": f"Note {n}"}
        )

    add_work(1)
    few = queue_queries()
    for n in range(2, 8):
        add_work(n)
    assert queue_queries() == few


def test_a_published_guide_without_revisions_never_hands_pending_text_to_the_next_editor():
    from tests.factories import make_guide

    guide = make_guide(make_company(slug="acme"), slug="reach", body=TWO_PARAGRAPHS)  # as old rows are
    edit(login(make_user("newbie")), guide, "", body=TWO_PARAGRAPHS + "\n\nUNREVIEWED")
    trusted = login(make_user("tess", trusted=True))
    assert "UNREVIEWED" not in trusted.get("/companies/acme/guides/reach/edit/").content.decode()
    edit(trusted, guide, "", estimated_minutes="15")
    assert "UNREVIEWED" not in public_text(guide)


def test_pending_and_rejected_text_is_read_only_by_its_author_and_reviewers(guide):
    edit(login(make_user("newbie")), guide, 1, body="SPAM call (202) 555-0188", summary="SPAMSUMMARY")
    rejected = GuideRevision.objects.get(status="pending")
    rejected.reject(make_user("rita", trusted=True), "no")
    anonymous = Client()
    assert anonymous.get("/companies/acme/guides/reach/diff/?from=1&to=2").status_code == 404
    assert "SPAMSUMMARY" not in anonymous.get("/companies/acme/guides/reach/history/").content.decode()
    assert "SPAM" not in anonymous.get("/accounts/people/newbie/").content.decode()
    assert (
        "SPAM"
        in login(rejected.author).get("/companies/acme/guides/reach/diff/?from=1&to=2").content.decode()
    )
    make_company(slug="zeta")
    author = login(make_user("writer"))
    data = {"kind": "cancel", "title": "SPAMTITLE guide", "body": "Write.", "difficulty": "hard"}
    author.post("/companies/zeta/guides/new/", data)
    profile = anonymous.get("/accounts/people/writer/").content.decode()
    assert "SPAMTITLE" not in profile and "not published" in profile and "Pending review" in profile


def test_a_retired_guide_shows_its_last_published_text_and_stays_retired_when_an_edit_is_approved(guide):
    edit(login(make_user("newbie")), guide, 1, body="SPAMBODY")
    GuideRevision.objects.get(status="pending").reject(make_user("rita", trusted=True), "no")
    Guide.objects.filter(pk=guide.pk).unpublish(guide.modified)
    owner = login(guide.current_revision.author or make_user("ann", trusted=True))
    newbie = login(GuideRevision.objects.get(status="rejected").author)
    page = newbie.get("/companies/acme/guides/reach/").content.decode()
    assert "SPAMBODY" not in page and "Call 0800" in page
    edit(login(make_user("tess", trusted=True)), guide, 1, estimated_minutes="9")
    guide.refresh_from_db()
    assert not guide.is_published and guide.estimated_minutes == 9
    assert Client().get("/companies/acme/guides/reach/").status_code == 404
    assert owner.get("/companies/acme/").status_code == 200


def test_an_edit_cannot_build_on_someone_elses_pending_revision(guide):
    edit(login(make_user("bob")), guide, 1, body=TWO_PARAGRAPHS + "\n\nBOB STEP")
    response = edit(login(make_user("mallory")), guide, 2, estimated_minutes="5")
    assert response.status_code == 409
    assert GuideRevision.objects.count() == 2


def test_channels_merge_as_sets_and_browser_line_endings_do_not_count_as_changes(guide):
    from tests.factories import make_channel

    first, second = make_channel(guide.company), make_channel(guide.company)
    ann, bob = login(make_user("ann", trusted=True)), login(make_user("bob", trusted=True))
    edit(ann, guide, 1, channels=[first.pk])
    crlf = TWO_PARAGRAPHS.replace("\n", "\r\n")
    assert edit(bob, guide, 1, channels=[second.pk], body=crlf).status_code == 302
    guide.refresh_from_db()
    assert sorted(guide.channels.values_list("pk", flat=True)) == sorted([first.pk, second.pk])
    assert guide.body == TWO_PARAGRAPHS


def test_verifying_a_channel_does_not_reflag_the_guides_that_use_it(guide):
    from freshness import sweeps
    from freshness.models import Flag
    from tests.factories import make_channel

    channel = make_channel(guide.company)
    guide.channels.add(channel)
    from django.utils import timezone

    Guide.objects.filter(pk=guide.pk).reverify(timezone.now())  # checked after the channel was added
    flag = Flag.objects.create(channel=channel, reason="age")
    Flag.objects.filter(pk=flag.pk).resolve("verified", make_user("admin", is_staff=True))
    assert sweeps.flag_guides_with_stale_channels() == 0
