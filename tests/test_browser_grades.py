import pytest
from playwright.sync_api import expect

from directory.models import Company
from tests.factories import make_category, make_channel, make_company, make_published_guide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def telecoms():
    """Two graded companies and one not graded yet, graded as they were saved (on commit)."""
    telecoms = make_category(name="Telecoms", slug="telecoms")
    northwind = make_company(
        name="Northwind Wireless", slug="northwind-wireless", category=telecoms,
        aliases=["Northwind", "NW Mobile"], description="A fictional telecoms company.",
    )  # fmt: skip
    make_channel(
        northwind, value="+12025550143", is_primary=True, human_rank=1, typical_wait_minutes=12,
        ivr_steps=[{"action": "press", "value": "0"}, {"action": "press", "value": "2"}],
    )  # fmt: skip
    make_channel(northwind, value="+12025550144", department="cancellations", human_rank=3)
    make_published_guide(
        northwind, title="How to cancel Northwind Wireless", slug="cancel", difficulty="medium",
        body="1. Call the cancellations line.\n2. Say “cancel”.\n3. **Ask for a reference.**",
    )  # fmt: skip
    streamly = make_company(name="Streamly", slug="streamly", category=telecoms)
    make_channel(streamly, kind="chat", human_rank=1, typical_wait_minutes=2)
    make_channel(streamly, kind="web_form", department="cancellations", human_rank=5)
    make_channel(make_company(name="Contoso Broadband", category=telecoms), human_rank=1)
    return northwind


def test_a_phone_visitor_sees_the_grade_and_follows_it_to_how_we_grade(
    telecoms, live_server, phone_page, screenshot
):
    assert dict(Company.objects.values_list("name", "grade")) == {
        "Northwind Wireless": "C", "Streamly": "B", "Contoso Broadband": "",
    }  # fmt: skip
    tab = phone_page
    tab.goto(f"{live_server.url}/companies/northwind-wireless/")
    badge = tab.locator(".grade-line .grade")
    expect(badge).to_have_text("Grade C")
    expect(badge).to_be_in_viewport()
    line = tab.locator(".grade-line")
    expect(line).to_contain_text(
        "2 menu steps, no reports yet, typical wait 12 min; cancel: medium guide, needs a call"
    )
    # The grade stays small: both jobs people come for are still on the first screen.
    expect(tab.get_by_role("heading", name="Reach a human")).to_be_in_viewport()
    expect(tab.get_by_role("heading", name="Cancel", exact=True)).to_be_in_viewport()
    expect(tab.locator(".cancel-box").get_by_text("Call the cancellations line")).to_be_in_viewport()
    expect(tab.locator("a.best-button")).to_be_in_viewport()
    screenshot(tab, "grade-company-phone", full_page=False)

    line.get_by_role("link", name="How we grade").click()
    tab.wait_for_url("**/about/grades/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("How we grade companies")
    expect(tab.get_by_role("heading", name="Reach a human (60 points)")).to_be_visible()
    example = tab.locator(".grade-example").filter(has_text="A phone menu and a call to cancel")
    expect(example).to_contain_text("Reach a human 42/60 + cancel 22/40 = 64: Grade C")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    screenshot(tab, "grade-how-we-grade-phone")


def test_the_category_page_shows_each_company_grade_in_light_and_dark(
    telecoms, live_server, chromium, screenshot
):
    for scheme in ("light", "dark"):
        context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(f"{live_server.url}/categories/telecoms/")
        cards = tab.locator(".company-card")
        expect(cards.filter(has_text="Northwind Wireless").locator(".grade")).to_have_text("Grade C")
        expect(cards.filter(has_text="Streamly").locator(".grade")).to_have_text("Grade B")
        expect(cards.filter(has_text="Contoso Broadband").locator(".grade")).to_have_text("Not graded yet")
        screenshot(tab, f"grade-category-phone-{scheme}")
        context.close()
