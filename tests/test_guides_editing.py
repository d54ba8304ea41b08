import pytest
from django.test import Client

from guides.diff import word_diff
from guides.models import EditConflict, Guide, GuideRevision
from tests.factories import make_company, make_published_guide, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return make_published_guide(
        make_company(slug="acme"), slug="cancel", title="How to cancel Acme", body="Call the line."
    )


def login(user):
    client = Client()
    client.force_login(user)
    return client


def edit(client, guide, base, **changes):
    data = {"title": guide.title, "body": guide.body, "difficulty": guide.difficulty, "estimated_minutes": "",
            "summary": "", "base_revision": base, **changes}  # fmt: skip
    return client.post(f"/companies/acme/guides/{guide.slug}/edit/", data)


def test_every_save_is_a_revision_chained_to_its_parent(guide):
    editor = make_user()
    second = guide.save_revision(
        editor, {**guide.latest_revision().content(), "body": "Press 3."}, "Shorter", 1
    )
    assert second.revision_number == 2
    assert second.previous_revision.revision_number == 1
    assert (second.author, second.summary, second.body) == (editor, "Shorter", "Press 3.")


def test_a_new_editors_edit_waits_and_the_page_keeps_the_approved_text(guide):
    response = edit(login(make_user()), guide, 1, body="Spam spam")
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.body == "Call the line."
    assert guide.latest_revision().status == GuideRevision.Status.PENDING
    assert "Spam spam" not in Client().get("/companies/acme/guides/cancel/").content.decode()


def test_a_trusted_editor_publishes_directly(guide):
    edit(login(make_user("trusted", trusted=True)), guide, 1, body="Press 3, then 0.")
    guide.refresh_from_db()
    assert guide.body == "Press 3, then 0."
    assert "Press 3, then 0." in Client().get("/companies/acme/guides/cancel/").content.decode()


def test_two_editors_on_the_same_base_the_second_gets_a_conflict_with_their_text_kept(guide):
    first, second = login(make_user("first", trusted=True)), login(make_user("second", trusted=True))
    edit(first, guide, 1, body="Call the line and press 2.")
    response = edit(second, guide, 1, body="Use the chat instead.", summary="Chat is faster")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Your edit was <strong>not</strong> saved over theirs" in html
    assert "Use the chat instead." in html and "Chat is faster" in html
    assert "<del>" in html and "<ins>" in html
    assert 'name="base_revision" value="2"' in html
    guide.refresh_from_db()
    assert guide.body == "Call the line and press 2."
    assert guide.revisions.count() == 2


def test_save_revision_raises_on_a_stale_base_that_overlaps_what_was_published_since(guide):
    content = guide.latest_revision().content()
    guide.save_revision(None, {**content, "body": "Press 2."}, base_revision_number=1, publish=True)
    with pytest.raises(EditConflict):
        guide.save_revision(None, {**content, "body": "Press 3."}, base_revision_number=1)


def test_nobody_approves_their_own_edit_and_editors_cannot_approve(guide):
    trusted = make_user("trusted", trusted=True)
    own = guide.save_revision(trusted, {**guide.latest_revision().content(), "body": "Mine"})
    response = login(trusted).post(f"/edits/{own.pk}/review/", {"decision": "approve"}, follow=True)
    assert "You cannot review your own edit" in response.content.decode()
    assert (
        login(make_user("plain")).post(f"/edits/{own.pk}/review/", {"decision": "approve"}).status_code == 403
    )
    assert login(make_user("plain2")).get("/edits/pending/").status_code == 403
    own.refresh_from_db()
    assert own.status == GuideRevision.Status.PENDING


def test_pending_queue_lists_oldest_first_and_approval_publishes(guide):
    alice, bob = make_user("alice"), make_user("bob")
    older = guide.save_revision(alice, {**guide.latest_revision().content(), "body": "Alice's version"})
    guide.save_revision(bob, {**guide.latest_revision().content(), "body": "Bob's version"})
    reviewer = login(make_user("rev", trusted=True))
    html = reviewer.get("/edits/pending/").content.decode()
    assert html.index("by alice") < html.index("by bob")
    reviewer.post(f"/edits/{older.pk}/review/", {"decision": "approve"})
    guide.refresh_from_db()
    assert guide.body == "Alice's version" and guide.current_revision == older


def test_history_and_word_diff_are_public_and_escaped(guide):
    guide.save_revision(
        None, {**guide.latest_revision().content(), "body": "Call the <b>new</b> line."}, publish=True
    )
    client = Client()
    history = client.get("/companies/acme/guides/cancel/history/").content.decode()
    assert "Revision 2" in history and "Revision 1" in history
    diff = client.get("/companies/acme/guides/cancel/diff/?from=1&to=2").content.decode()
    assert "<ins>&lt;b&gt;new&lt;/b&gt; </ins>" in diff
    assert client.get("/companies/acme/guides/cancel/diff/?from=1&to=99").status_code == 404
    assert client.get("/companies/acme/guides/cancel/diff/?from=x&to=2").status_code == 404


def test_word_diff_marks_words_not_characters():
    assert word_diff("press 2 then wait", "press 3 then wait") == "press <del>2</del><ins>3</ins> then wait"


def test_revert_is_a_post_by_a_trusted_editor_and_a_new_revision(guide):
    guide.save_revision(None, {**guide.latest_revision().content(), "body": "Vandalised"}, publish=True)
    url = "/companies/acme/guides/cancel/revert/1/"
    assert login(make_user("plain")).post(url).status_code == 403
    assert login(make_staff("admin")).get(url).status_code == 405
    login(make_staff("admin2")).post(url)
    guide.refresh_from_db()
    assert guide.body == "Call the line."
    assert guide.revisions.count() == 3
    assert guide.latest_revision().summary == "Revert to revision 1"


def test_writing_a_new_guide_needs_an_account_and_waits_for_review(client):
    company = make_company(slug="zeta")
    assert client.get("/companies/zeta/guides/new/").status_code == 302
    editor = login(make_user())
    data = {"kind": "cancel", "title": "How to cancel Zeta", "body": "Write to them.", "difficulty": "hard"}
    response = editor.post("/companies/zeta/guides/new/", data)
    guide = Guide.objects.get(company=company)
    assert response["Location"] == "/companies/zeta/guides/how-to-cancel-zeta/history/"
    assert not guide.is_published
    assert Client().get("/companies/zeta/guides/how-to-cancel-zeta/").status_code == 404


def test_a_validation_error_keeps_everything_typed(guide):
    response = edit(
        login(make_user()), guide, 1, title="", body="My careful text", summary="fix", estimated_minutes="-4"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "My careful text" in html and 'value="fix"' in html and 'value="-4"' in html


def test_edits_are_rate_limited_with_a_clear_message(guide, settings):
    settings.EDIT_RATE_LIMIT = (2, 100, 3600)
    client = login(make_user("fast"))
    for n in range(3):
        base = guide.latest_revision().revision_number
        response = edit(client, guide, base, body=f"Version {n}")
    assert "You are editing very quickly" in response.content.decode()
    assert guide.revisions.count() == 3


def test_editing_needs_login_and_csrf(guide):
    assert Client().get("/companies/acme/guides/cancel/edit/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post("/companies/acme/guides/cancel/edit/", {"title": "x"}).status_code == 403


def test_guide_markdown_is_sanitised_and_links_are_nofollow(guide):
    body = "[site](https://example.org) [bad](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>"
    guide.save_revision(None, {**guide.latest_revision().content(), "body": body}, publish=True)
    html = Client().get("/companies/acme/guides/cancel/").content.decode()
    article = html[html.index("<article") : html.index("</article>")]
    assert '<a href="https://example.org" rel="nofollow ugc noopener">site</a>' in article
    assert "javascript:" not in article and "<script>" not in article and "<img" not in article
    assert "&lt;script&gt;" in article


def test_a_guide_names_the_channels_it_uses_and_revisions_keep_them(guide):
    from tests.factories import make_channel

    line = make_channel(guide.company, value="+12025550160", department="cancellations")
    editor = login(make_user("trusted", trusted=True))
    edit(editor, guide, 1, channels=[line.pk], summary="Link the cancellations line")
    guide.refresh_from_db()
    assert list(guide.channels.all()) == [line]
    assert guide.latest_revision().channel_ids == [line.pk]
    assert "(202) 555-0160" in Client().get("/companies/acme/guides/cancel/").content.decode()
    login(make_staff("admin")).post("/companies/acme/guides/cancel/revert/1/")
    assert list(guide.channels.all()) == []
