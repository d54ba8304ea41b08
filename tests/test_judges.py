"""The web's judges over every page: axe-core, the Nu HTML checker and Lighthouse find nothing to say.

The pages are gathered once for the module (the sample directory, a guide with
two revisions, a pending edit and correction, open flags, a signed-in admin):
axe runs in Chromium through Playwright, the Nu checker reads every page's HTML
in one run of its jar, and Lighthouse runs over every page with one Chrome.
Each test then reads one page's verdict from one judge. Everything they found is
in test-artifacts/judges/report.json and, as a table, report.txt.
"""

import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, require_service

# The mark makes pytest-django create the test database; the pages' data is written
# once by the module's fixture below, which empties the database again when done.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = Path(__file__).resolve().parent / "judges" / "lighthouse.mjs"
REPORT_DIR = ARTIFACTS / "judges"
SCREENSHOTS = ARTIFACTS / "screenshots"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Lighthouse's timings move a few points on a shared two-core machine; everything else must be perfect.
FLOORS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
NOINDEX = re.compile(r"<meta\s+name=\"robots\"\s+content=\"[^\"]*noindex", re.IGNORECASE)

COMPANY = "northwind-wireless"
GUIDE = f"/companies/{COMPANY}/guides/cancel"
# (name, path, signed in as the admin); {category}, {channel} and {editor} are filled in from the data.
PAGES = [
    ("home", "/", False),
    ("search-results", "/search/?q=northwind", False),
    ("company", f"/companies/{COMPANY}/", False),
    ("guide", f"{GUIDE}/", False),
    ("category", "/categories/{category}/", False),
    ("a-z", "/companies/", False),
    ("sign-up", "/accounts/signup/", False),
    ("log-in", "/accounts/login/", False),
    ("new-guide", f"/companies/{COMPANY}/guides/new/", True),
    ("edit-guide", f"{GUIDE}/edit/", True),
    ("history", f"{GUIDE}/history/", True),
    ("diff", f"{GUIDE}/diff/?from=1&to=2", True),
    ("suggest-correction", f"/companies/{COMPANY}/suggest/?channel={{channel}}", False),
    ("pending-queue", "/edits/pending/", True),
    ("review-queue", "/review/", True),
    ("profile", "/accounts/people/{editor}/", False),
    ("how-we-grade", "/about/grades/", False),
    ("about-data", "/about/data/", False),
    ("open-data", "/data/", False),
    ("api", "/api/", False),
    ("country", "/country/", False),
]
NAMES = [name for name, _, _ in PAGES]
SIGNED_IN = {name for name, _, signed_in in PAGES if signed_in}


def tool(name, path):
    """The path of a tool the judges need; a missing one fails in CI and skips elsewhere."""
    if not Path(path).exists():
        require_service(f"{name} ({path}; `make test` installs it)")
    return str(path)


def build_directory():
    """The sample directory with every kind of page filled: revisions, a pending edit and correction, flags."""
    from django.core.management import call_command
    from django.test import Client

    from directory.models import Company
    from freshness.models import Flag
    from guides.models import ChannelCorrection, Guide
    from tests.factories import make_staff, make_user

    call_command("load_sample_data", stdout=io.StringIO())
    call_command("rebuild_index", interactive=False, verbosity=0)
    company = Company.objects.get(slug=COMPANY)
    admin, editor = make_staff("judge"), make_user("casey")
    guide = Guide.objects.get(company=company, slug="cancel")
    content = {field: getattr(guide, field) for field in Guide.CONTENT_FIELDS}
    guide.save_revision(
        admin, {**content, "body": content["body"] + "\n\nKeep the reference until the last bill."},
        "Keep the reference", publish=True,
    )  # fmt: skip
    guide.save_revision(
        editor, {**content, "body": content["body"].replace("press 3", "press 3, then 1")},
        "The menu has a new step", base_revision_number=2,
    )  # fmt: skip
    channels = list(company.channels.order_by("human_rank", "pk"))
    ChannelCorrection.objects.create(
        company=company, channel=channels[0], action="fix", author=editor,
        proposed={"notes": "Press 0 twice after the greeting."}, reason="The menu changed last week.",
    )  # fmt: skip
    Flag.objects.create(channel=channels[1], reason="age")
    Flag.objects.create(
        channel=channels[2], reason="link", evidence={"status_code": 404, "error": "HTTP 404"}
    )
    client = Client()
    client.force_login(admin)
    return {
        "category": company.category.slug,
        "channel": channels[0].pk,
        "editor": editor.username,
        "session": client.cookies["sessionid"].value,
    }


def axe_and_html(chromium, base, pages, data, html_dir):
    """Each page's HTML as the server sent it, saved for the Nu checker, and axe's violations on it."""
    axe_script = AXE.read_text(encoding="utf-8")
    verdicts = {}
    for signed_in in (False, True):
        context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        if signed_in:
            context.add_cookies([{"name": "sessionid", "value": data["session"], "url": base}])
        tab = context.new_page()
        for name, path in pages:
            if (name in SIGNED_IN) != signed_in:
                continue
            response = tab.goto(base + path, wait_until="load")
            (html_dir / f"{name}.html").write_bytes(response.body())
            tab.add_script_tag(content=axe_script)
            violations = []
            # Dark mode follows the system setting and has colours of its own to check.
            for scheme in ("light", "dark"):
                tab.emulate_media(color_scheme=scheme)
                found = tab.evaluate("async () => (await axe.run(document)).violations")
                violations += [
                    {
                        "id": v["id"],
                        "scheme": scheme,
                        "impact": v["impact"],
                        "help": v["help"],
                        "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"][:5]],
                    }
                    for v in found
                ]
            verdicts[name] = {
                "status": response.status,
                "url": base + path,
                "final_url": tab.url,
                "violations": violations,
            }
            tab.emulate_media(color_scheme="light")
            tab.screenshot(path=str(SCREENSHOTS / f"page-{name}-phone.png"), full_page=True)
        context.close()
    screenshots_on_a_desktop(chromium, base, pages, data)
    return verdicts


def screenshots_on_a_desktop(chromium, base, pages, data):
    """Every judged page at 1280 × 800 too, for people to look at."""
    for signed_in in (False, True):
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        if signed_in:
            context.add_cookies([{"name": "sessionid", "value": data["session"], "url": base}])
        tab = context.new_page()
        for name, path in pages:
            if (name in SIGNED_IN) == signed_in:
                tab.goto(base + path, wait_until="load")
                tab.screenshot(path=str(SCREENSHOTS / f"page-{name}-desktop.png"), full_page=True)
        context.close()


def nu_messages(html_dir, names):
    """The Nu HTML checker over all pages in one run: {page: [message, ...]}."""
    java = shutil.which("java") or require_service("Java (for the Nu HTML checker)")
    files = [str(html_dir / f"{name}.html") for name in names]
    run = subprocess.run(
        [java, "-jar", tool("the Nu HTML checker", VNU), "--format", "json", "--stdout", *files],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if not run.stdout.strip():
        pytest.fail(f"The Nu HTML checker did not run (exit {run.returncode}):\n{run.stderr[-3000:]}")
    messages = {name: [] for name in names}
    for message in json.loads(run.stdout)["messages"]:
        name = Path(message.get("url", "")).stem
        messages.setdefault(name, []).append(
            {
                "type": message["type"] + (f" {message['subType']}" if message.get("subType") else ""),
                "line": message.get("lastLine"),
                "message": message["message"],
                "extract": message.get("extract", "").strip()[:160],
            }
        )
    return messages


def lighthouse_scores(base, pages, data, workdir):
    """Lighthouse over all pages with one Chrome (tests/judges/lighthouse.mjs)."""
    node = shutil.which("node") or require_service("Node.js (for Lighthouse)")
    tool("Lighthouse", NODE_MODULES / "lighthouse" / "package.json")
    chrome = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    cookie = {"Cookie": f"sessionid={data['session']}"}
    listing = [
        {"name": name, "url": base + path, "headers": cookie if name in SIGNED_IN else None}
        for name, path in pages
    ]
    (workdir / "lighthouse-pages.json").write_text(json.dumps(listing, indent=2))
    out = workdir / "lighthouse.json"
    run = subprocess.run(
        [node, str(LIGHTHOUSE), str(workdir / "lighthouse-pages.json"), str(out)],
        cwd=ROOT, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if run.returncode:
        pytest.fail(f"Lighthouse did not finish (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return json.loads(out.read_text())


def write_report(verdicts, seconds):
    rows = [f"{'page':<20} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5}  axe  nu-errors  lighthouse-runs"]
    for name in NAMES:
        page = verdicts[name]
        scores = page["lighthouse"]["scores"]
        seo = scores["seo"] if page["indexable"] else f"({scores['seo']})"
        errors = sum(m["type"] == "error" for m in page["nu"])
        rows.append(
            f"{name:<20} {scores['performance']:>5} {scores['accessibility']:>5} "
            f"{scores['best-practices']:>5} {seo:>5}  {len(page['axe']['violations']):>3}  {errors:>9}  {page['lighthouse']['attempts']:>15}"
        )
    rows.append("(seo) in brackets: the page says noindex, so search engines are not its readers.")
    rows.append(
        "lighthouse-runs above 1: Chrome recorded a trace without the page load (NO_NAVSTART), run again."
    )
    rows.append(
        f"gathered in {seconds['total']:.0f} s: " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
    )
    (REPORT_DIR / "report.txt").write_text("\n".join(rows) + "\n")
    (REPORT_DIR / "report.json").write_text(json.dumps({"seconds": seconds, "pages": verdicts}, indent=2))


@pytest.fixture(scope="module")
def judged(request, django_db_setup, django_db_blocker, chromium):
    """Every page judged once: {page: {"axe": ..., "nu": [...], "lighthouse": ..., "indexable": bool}}."""
    from django.core.management import call_command
    from django.db import connections
    from django.test import override_settings

    tool("axe-core", AXE)
    tool("the Nu HTML checker", VNU)
    # Asked for here rather than as an argument, so the tests that only read the verdicts
    # do not each get a transactional database flushed after them.
    live_server = request.getfixturevalue("live_server")
    base = live_server.url
    shutil.rmtree(REPORT_DIR, ignore_errors=True)
    html_dir = REPORT_DIR / "html"
    html_dir.mkdir(parents=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seconds, started = {}, time.monotonic()
    with django_db_blocker.unblock(), override_settings(SITE_URL=base):
        try:
            data = build_directory()
            pages = [(name, path.format(**data)) for name, path, _ in PAGES]
            seconds["data"] = time.monotonic() - started
            axe = axe_and_html(chromium, base, pages, data, html_dir)
            seconds["axe"] = time.monotonic() - started - sum(seconds.values())
            nu = nu_messages(html_dir, NAMES)
            seconds["nu"] = time.monotonic() - started - sum(seconds.values())
            lighthouse = lighthouse_scores(base, pages, data, REPORT_DIR)
            seconds["lighthouse"] = time.monotonic() - started - sum(seconds.values())
        finally:
            call_command("flush", interactive=False, verbosity=0)
    seconds["total"] = time.monotonic() - started
    verdicts = {
        name: {
            "axe": axe[name],
            "nu": nu[name],
            "lighthouse": lighthouse[name],
            "indexable": not NOINDEX.search((html_dir / f"{name}.html").read_text(encoding="utf-8")),
        }
        for name in NAMES
    }
    write_report(verdicts, seconds)
    yield verdicts
    # The tests' connection was opened after Playwright started its event loop in this
    # thread, so the end of the session, which drops the test database, cannot see it.
    connections.close_all()


@pytest.mark.parametrize("name", NAMES)
def test_axe_finds_no_accessibility_violation(judged, name):
    page = judged[name]["axe"]
    assert (page["status"], page["final_url"]) == (200, page["url"]), (
        f"{name}: answered {page['status']} at {page['final_url']}"
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in page["violations"]
    ]
    assert not problems, f"axe on {name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_nu_html_checker_finds_no_error(judged, name):
    errors = [m for m in judged[name]["nu"] if m["type"].startswith(("error", "non-document-error"))]
    problems = [f"line {m['line']}: {m['message']} [{m['extract']}]" for m in errors]
    assert not problems, f"Nu HTML checker on {name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_lighthouse_scores_every_category_full_marks(judged, name):
    result = judged[name]["lighthouse"]
    assert not result["runtime_error"], f"Lighthouse on {name}: {result['runtime_error']}"
    assert result["final_url"] == result["url"], f"Lighthouse on {name}: landed on {result['final_url']}"
    judged_categories = [c for c in CATEGORIES if c != "seo" or judged[name]["indexable"]]
    problems = []
    for category in judged_categories:
        if result["scores"][category] < FLOORS[category]:
            lost = "; ".join(
                f"{a['id']} {a['value']} {' '.join(a['items'][:2])}".strip() for a in result["lost"][category]
            )
            problems.append(f"{category} {result['scores'][category]} < {FLOORS[category]}: {lost}")
    assert not problems, f"Lighthouse on {name} ({result['url']}):\n  " + "\n  ".join(problems)
