import pytest

from guides.models import ChannelCorrection, Guide
from tests.factories import make_channel, make_company, make_published_guide, make_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "[click](javascript:window.__xss=1)",
    '"><svg onload="window.__xss=1">',
    '<a href="javascript:window.__xss=1">x</a>',
    "'; DROP TABLE guides_guide; --",
]


def sign_in(tab, base, username):
    tab.goto(f"{base}/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill("pw-for-tests")
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(f"{base}/")


def test_new_editor_edit_is_reviewed_diffed_and_reverted(live_server, chromium, screenshot):
    make_published_guide(
        make_company(name="Acme Energy", slug="acme"), slug="cancel", title="How to cancel Acme Energy",
        body="Call the cancellations line and press 3.",
    )  # fmt: skip
    make_user("tess", trusted=True)
    make_staff("admin")
    base = live_server.url

    newbie = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    newbie.goto(f"{base}/accounts/signup/")
    newbie.get_by_label("Username").fill("newbie")
    newbie.get_by_label("Email").fill("newbie@example.org")
    newbie.get_by_label("Password:", exact=True).fill("a-long-password-123")
    newbie.get_by_label("Password confirmation").fill("a-long-password-123")
    newbie.get_by_role("button", name="Sign up").click()
    assert newbie.get_by_text("Welcome, newbie!").is_visible()
    newbie.goto(f"{base}/companies/acme/guides/cancel/")
    newbie.get_by_role("link", name="Edit", exact=True).click()
    newbie.get_by_label("Body").fill("Call the cancellations line, press 3, then say cancel.")
    newbie.get_by_label("Edit summary").fill("Add the spoken step")
    newbie.get_by_role("button", name="Save").click()
    assert newbie.get_by_text("Your edit waits for a trusted editor to review it").is_visible()
    assert newbie.get_by_text("Pending review").is_visible()
    screenshot(newbie, "editing-pending-phone")
    newbie.goto(f"{base}/companies/acme/guides/cancel/")
    assert "then say cancel" not in newbie.locator("article").inner_text()

    trusted = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(trusted, base, "tess")
    trusted.get_by_role("link", name="Pending edits").click()
    # The queue shows what changed against the published text, and the result as readers would see it.
    assert "say cancel" in " ".join(trusted.locator(".diff-body ins").all_inner_texts())
    trusted.get_by_text("Preview as readers would see it").click()
    assert "then say cancel" in trusted.locator(".review-preview article").inner_text()
    screenshot(trusted, "editing-diff-desktop")
    trusted.get_by_role("button", name="Approve").click()
    assert trusted.get_by_text("Published revision 2").is_visible()
    trusted.goto(f"{base}/companies/acme/guides/cancel/")
    assert "then say cancel" in trusted.locator("article").inner_text()

    admin = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, base, "admin")
    admin.goto(f"{base}/companies/acme/guides/cancel/history/")
    screenshot(admin, "editing-history-desktop")
    admin.locator(".history-row", has_text="Revision 1").get_by_role("button", name="Revert to this").click()
    assert admin.get_by_text("Reverted to revision 1.").is_visible()
    assert Guide.objects.get(slug="cancel").body == "Call the cancellations line and press 3."
    for tab in (newbie, trusted, admin):
        tab.context.close()


def test_hostile_input_never_runs_as_script(live_server, page, screenshot):
    guide = make_published_guide(make_company(name="Acme Energy", slug="acme"), slug="cancel")
    for payload in XSS_PAYLOADS:
        guide.save_revision(
            None, {"title": f"Guide {payload}", "body": f"Step one {payload}", "difficulty": "easy", "estimated_minutes": None},
            summary=f"Summary {payload}", publish=True,
        )  # fmt: skip
    company = guide.company
    channel = make_channel(company, kind="email", value="help@acme.example")
    correction = ChannelCorrection.objects.create(
        company=company, channel=channel, action="fix",
        proposed={"notes": " ".join(XSS_PAYLOADS), "label": XSS_PAYLOADS[3][:100]}, reason=XSS_PAYLOADS[1],
    )  # fmt: skip
    correction.apply(make_staff("admin"))
    company.name = f"Acme {XSS_PAYLOADS[1]}"
    company.description = XSS_PAYLOADS[0]
    company.save()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ["/companies/acme/", "/companies/acme/guides/cancel/", "/companies/acme/guides/cancel/history/",
                 "/companies/acme/guides/cancel/diff/?from=1&to=7", "/search/?q=" + XSS_PAYLOADS[0],
                 f"/companies/acme/channels/{channel.pk}/history/"]:  # fmt: skip
        page.goto(live_server.url + path)
        for link in page.locator("a[href^='javascript']").all():
            link.click()
        assert page.evaluate("window.__xss") is None, path
    screenshot(page, "editing-hostile-input-desktop")
    assert dialogs == []
    page.goto(live_server.url + "/companies/acme/guides/cancel/")
    assert "Step one" in page.locator("article").inner_text()
    assert Guide.objects.filter(slug="cancel").exists()


def test_a_visitor_suggests_a_correction_and_an_editor_applies_it(live_server, phone_page, page, screenshot):
    company = make_company(name="Acme Energy", slug="acme")
    channel = make_channel(company, value="+12025550143", time_zone="America/New_York")
    make_user("tess", trusted=True)
    phone_page.goto(f"{live_server.url}/companies/acme/")
    phone_page.locator(".channel-more summary").first.click()  # the channel's details open
    phone_page.get_by_role("link", name="Suggest a correction").first.click()
    phone_page.get_by_label("Number, address or link").fill("(202) 555-0199")
    phone_page.get_by_label("Menu steps").fill("press 2, say agent")
    phone_page.get_by_label("How do you know?").fill("Called them this morning")
    phone_page.get_by_role("button", name="Send correction").click()
    assert phone_page.get_by_text("A trusted editor will check your correction").is_visible()

    sign_in(page, live_server.url, "tess")
    page.get_by_role("link", name="Pending edits").click()
    assert page.get_by_text("Called them this morning").is_visible()
    screenshot(page, "corrections-pending-desktop")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_text("Correction applied.").is_visible()
    page.goto(f"{live_server.url}/companies/acme/channels/{channel.pk}/history/")
    assert page.get_by_text("proposed by a visitor, approved by tess").is_visible()
    screenshot(page, "corrections-history-desktop")
    page.goto(f"{live_server.url}/companies/acme/")
    assert page.locator("a.best-button").get_attribute("href") == "tel:+12025550199,,2"


def test_a_rejected_edit_never_reaches_readers_search_the_page_cache_or_the_sitemap(
    redis_settings, live_server, chromium, screenshot
):
    from django.core.management import call_command

    company = make_company(name="Acme Energy", slug="acme")
    make_published_guide(
        company, slug="cancel", title="How to cancel Acme Energy", body="Call the line and press 3."
    )
    make_user("newbie")
    make_user("tess", trusted=True)
    call_command("rebuild_index", interactive=False, verbosity=0)
    base = live_server.url
    reader = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(f"{base}/companies/acme/")  # a reader's visit fills the page cache

    newbie = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    sign_in(newbie, base, "newbie")
    newbie.goto(f"{base}/companies/acme/guides/cancel/edit/")
    newbie.get_by_label("Title").fill("Zorblax premium cancel line")
    newbie.get_by_label("Body").fill(
        "Call the line and press 3.\n\nOr pay for fast help at https://zorblax.example/"
    )
    newbie.get_by_role("button", name="Save").click()
    assert newbie.get_by_text("Your edit waits for a trusted editor to review it").is_visible()

    tess = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(tess, base, "tess")
    tess.goto(f"{base}/edits/pending/")
    assert tess.get_by_text("link to another site zorblax.example").is_visible()
    tess.get_by_label("Note for the author").fill("Not the company's site")
    screenshot(tess, "editing-reject-desktop")
    tess.get_by_role("button", name="Reject").click()
    assert tess.get_by_text("Edit rejected.").is_visible()

    newbie.goto(f"{base}/accounts/people/newbie/")
    assert newbie.get_by_text("Not the company's site").is_visible()
    screenshot(newbie, "editing-rejected-profile-phone")
    for path in ["/companies/acme/", "/companies/acme/guides/cancel/", "/sitemap.xml"]:
        reader.goto(base + path)
        assert "orblax" not in reader.content(), path
    reader.goto(f"{base}/search/?q=zorblax+premium")
    assert reader.get_by_text("No company matches “zorblax premium”.").is_visible()
    from haystack.query import SearchQuerySet

    # The company's document holds the published guide, with its published title.
    acme = SearchQuerySet().filter(keys="acmeenergy")[0]
    assert acme.guides.split("\t")[1] == Guide.objects.get().title
    assert "orblax" not in acme.guides
    reader.goto(f"{base}/search/?q=cancel+acme")
    assert reader.get_by_role("link", name="How to cancel Acme Energy").first.is_visible()
    for tab in (reader, newbie, tess):
        tab.context.close()
