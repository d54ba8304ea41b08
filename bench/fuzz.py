"""Fuzz: thousands of hostile requests against gunicorn with DEBUG=False; any answer >= 500 fails.

Usage: python -m bench.fuzz [--requests 3000]      (make fuzz)

Builds a fresh PostgreSQL database (FUZZ_DATABASE_URL, default gethelp_fuzz on the local
server) with the sample data and its search index, starts gunicorn with production
settings and Redis, signs in an admin and a trusted editor, and sends requests drawn by
Hypothesis to every page and form: GET parameters and form fields get NUL bytes, odd
digits (²), huge numbers, long text, markup, invalid UTF-8 and duplicated fields, as an
anonymous visitor, a trusted editor and an admin. Prints, per endpoint, the requests
tried and the server errors (>= 500), with the first failing requests to reproduce,
writes the table to bench/results/fuzz.txt and exits 1 if any request failed.
"""

import argparse
import html
import http.cookiejar
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.load import gunicorn, prepare_server

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("FUZZ_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gethelp_fuzz")
PASSWORD = "fuzz-password-4821"

SPECIALS = ["", "²", "٣", "\x00", "a\x00b", "-1", "0", "9" * 30, "9223372036854775808", "1e309", "NaN",
            "<script>alert(1)</script>", "<!--<script>", "' OR 1=1 --", "../../etc/passwd", "%00", "x" * 5000,
            "press 1, wait 99999999999", "wait ²", "Mon-Fri 08:00-99:99", "+1 900 555 0199", "\ud800", "🙂" * 50,
            "verified:1", "retired:²", "dismissed:-1", "approve", "reject", "fix", "add", "retire", "yes", "no"]  # fmt: skip
value = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.binary(max_size=40),  # sent as raw bytes: broken UTF-8
)


def endpoints(ids):
    """(name, method, path, field names, who): every page and form of the site."""
    company, guide, channel, category = ids["company"], ids["guide"], ids["channel"], ids["category"]
    c, g = f"/companies/{company}", f"/companies/{company}/guides/{guide}"
    return [
        ("home", "GET", "/", [], "anon"),
        ("search", "GET", "/search/", ["q", "category", "page"], "anon"),
        ("suggest", "GET", "/search/suggest/", ["q"], "anon"),
        ("company page", "GET", f"{c}/", [], "anon"),
        ("category", "GET", f"/categories/{category}/", ["page", "country"], "anon"),
        ("choose country", "POST", "/country/", ["country", "next"], "anon"),
        ("watch", "POST", f"{c}/watch/", ["action"], "trusted"),
        ("data page", "GET", "/data/", [], "anon"),
        ("guide", "GET", f"{g}/", [], "anon"),
        ("guide diff", "GET", f"{g}/diff/", ["from", "to"], "anon"),
        ("guide edit form", "GET", f"{g}/edit/", ["continue"], "trusted"),
        ("correction form", "GET", f"{c}/suggest/", ["channel", "flag", "action"], "anon"),
        ("report form", "GET", f"/channels/{channel}/report/", ["worked"], "anon"),
        ("review queue", "GET", "/review/", ["reason", "category", "page"], "admin"),
        ("profile", "GET", "/accounts/people/fuzz-trusted/", [], "anon"),
        (
            "suggest a company",
            "POST",
            "/suggest-company/",
            ["name", "website", "details", "email", "nickname"],
            "anon",
        ),
        ("report", "POST", f"/channels/{channel}/report/", ["worked", "reason", "minutes_waited"], "anon"),
        (
            "correction",
            "POST",
            f"{c}/suggest/",
            [
                "action",
                "channel",
                "kind",
                "value",
                "social_platform",
                "department",
                "hours",
                "time_zone",
                "ivr_steps",
                "typical_wait_minutes",
                "notes",
                "reason",
                "contact_email",
                "flag",
            ],
            "trusted",
        ),  # fmt: skip
        (
            "guide edit",
            "POST",
            f"{g}/edit/",
            [
                "title",
                "body",
                "difficulty",
                "estimated_minutes",
                "channels",
                "summary",
                "base_revision",
                "resolves",
            ],
            "trusted",
        ),  # fmt: skip
        (
            "new guide",
            "POST",
            f"{c}/guides/new/",
            ["kind", "title", "body", "difficulty", "estimated_minutes"],
            "trusted",
        ),  # fmt: skip
        (
            "review resolve",
            "POST",
            "/review/resolve/",
            ["one", "action", "ids", "bulk_note", "filters", "confirmed"],
            "admin",
        ),  # fmt: skip
        ("review edit", "POST", "/edits/1/review/", ["decision", "note"], "admin"),
        ("review correction", "POST", "/edits/corrections/1/review/", ["decision", "note"], "admin"),
        ("restore channel", "POST", f"/review/channels/{channel}/restore/", [], "admin"),
        ("sign up", "POST", "/accounts/signup/", ["username", "email", "password1", "password2"], "anon"),
        ("sign in", "POST", "/accounts/login/", ["username", "password"], "anon"),
        ("password reset", "POST", "/accounts/password-reset/", ["email"], "anon"),
        # The read API: every parameter of every endpoint.
        (
            "api companies",
            "GET",
            "/api/v1/companies",
            ["q", "category", "country", "domain", "updated_since", "page_size", "cursor"],
            "anon",
        ),  # fmt: skip
        ("api company", "GET", f"/api/v1/companies/{company}", [], "anon"),
        ("api lookup", "GET", "/api/v1/lookup", ["domain"], "anon"),
        ("api categories", "GET", "/api/v1/categories", ["page_size", "cursor"], "anon"),
        ("api changes", "GET", "/api/v1/changes", ["since", "page_size", "cursor"], "anon"),
        # Odd values in the path itself.
        ("company by slug", "GET", "/companies/{}/", [], "anon"),
        ("api company by slug", "GET", "/api/v1/companies/{}", [], "anon"),
        ("profile by name", "GET", "/accounts/people/{}/", [], "anon"),
        ("guide by slug", "GET", f"{c}/guides/{{}}/history/", [], "trusted"),
        ("channel history", "GET", f"{c}/channels/{{}}/history/", [], "anon"),
        ("badge by slug", "GET", "/companies/{}/badge.svg", [], "anon"),
        ("feed by slug", "GET", "/companies/{}/changes.atom", [], "anon"),
        ("stop e-mails by token", "GET", "/watching/stop/{}/", [], "anon"),
        ("stop e-mails, posted", "POST", "/watching/stop/{}/", [], "anon"),
        ("dump by name", "GET", "/data/{}", [], "anon"),
    ]


# The text fields of each form: what a person typed there comes back when the form is rejected.
TYPED_FIELDS = {
    "suggest a company": {"name", "details"},
    "correction": {"value", "hours", "ivr_steps", "time_zone", "notes", "reason"},
    "guide edit": {"title", "body", "summary"},
    "new guide": {"title", "body", "summary"},
    "sign up": {"username"},
    "sign in": {"username"},
}


def lost_input(endpoint, sent, page):
    """True when a rejected form, shown again, lost plain text typed into one of its text fields.

    A field sent twice keeps its last value, as Django reads it."""
    if "<form" not in page:
        return False
    last = dict(sent)
    return any(
        isinstance(raw, str)
        and raw.strip().isascii()
        and raw.replace(" ", "").isalnum()
        and len(raw) <= 100
        and raw.strip() not in html.unescape(page)
        for name, raw in last.items()
        if name in TYPED_FIELDS.get(endpoint, ())
    )


def encode(fields):
    """A query string or form body from [(name, value)], values as text (any code point) or raw bytes."""
    parts = []
    for name, raw in fields:
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
        parts.append(f"{name}={urllib.parse.quote_from_bytes(data)}")
    return "&".join(parts)


class Browser:
    """A visitor with cookies; signs in through the login form like a person."""

    def __init__(self, base):
        self.base, self.jar, self.last_page = base, http.cookiejar.CookieJar(policy=LoopbackPolicy()), ""
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method, path, body=""):
        url = self.base + path
        headers = {"Referer": self.base + "/", "X-CSRFToken": self.csrf()}
        if method == "POST":
            body = (
                f"csrfmiddlewaretoken={self.csrf()}&{body}" if body else f"csrfmiddlewaretoken={self.csrf()}"
            )
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = urllib.request.Request(url, data=body.encode("ascii"), headers=headers, method="POST")
        else:
            request = urllib.request.Request(url + (f"?{body}" if body else ""), headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                self.last_page = response.read().decode("utf-8", "replace")
                return response.status
        except urllib.error.HTTPError as error:
            self.last_page = error.read().decode("utf-8", "replace")
            return error.code

    def sign_in(self, username):
        self.request("GET", "/accounts/login/")
        status = self.request(
            "POST", "/accounts/login/", encode([("username", username), ("password", PASSWORD)])
        )
        assert status == 302, f"could not sign in as {username}: {status}"


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Production settings mark cookies Secure; this loopback server speaks plain HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fresh_sample_site(url, env):
    """A new PostgreSQL database at `url` with the sample data and its search index."""
    base, name = url.rsplit("/", 1)
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", base + "/postgres", "-qc", sql], check=True)
    for command in (["migrate", "-v0"], ["load_sample_data"], ["rebuild_index", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def prepare_database(env):
    fresh_sample_site(DATABASE_URL, env)
    script = (
        "from django.contrib.auth.models import User; from accounts.models import Profile; "
        f"User.objects.create_superuser('fuzz-admin', 'a@example.org', '{PASSWORD}'); "
        f"u = User.objects.create_user('fuzz-trusted', 't@example.org', '{PASSWORD}'); "
        "Profile.objects.filter(user=u).update(role='trusted'); "
        "from directory.models import ContactChannel; from guides.models import Guide; "
        "g = Guide.objects.published().select_related('company').first(); "
        "ch = ContactChannel.objects.filter(company=g.company).first(); "
        "print(g.company.slug, g.slug, ch.pk, g.company.category.slug)"
    )
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    return dict(zip(["company", "guide", "channel", "category"], out[-4:], strict=True))


def fuzz_endpoint(browser, endpoint, method, path, names, examples, results):
    """Sends `examples` requests drawn by Hypothesis; {} in the path takes a hostile value too."""
    fields = (
        st.lists(st.tuples(st.sampled_from(names), value), max_size=len(names) + 3) if names else st.just([])
    )
    segment = value if "{}" in path else st.just("")

    @settings(max_examples=examples, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(fields, segment)
    def send(sent, part):
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        where = path.replace("{}", urllib.parse.quote_from_bytes(data, safe=""))
        try:
            status = browser.request(method, where, encode(sent))
        except OSError as exc:  # the server closed the connection or timed out: as bad as a 500
            status = f"no answer ({exc.__class__.__name__})"
        shown_again = method == "POST" and status in (200, 400, 409) and "<form" in browser.last_page
        dropped = shown_again and lost_input(endpoint, sent, browser.last_page)
        results.append((status, (where, sent), dropped, shown_again))

    send()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    workdir, env = prepare_server()
    env.update(
        DATABASE_URL=DATABASE_URL,
        SEARCH_URL=f"whoosh://{workdir}/index",
        REDIS_URL="redis://127.0.0.1:6379/8",
    )
    # Everything comes from one address: raise the limits so the requests reach the forms'
    # validation instead of the limiter (the limits themselves are tested in the suite).
    for limit in (
        "CORRECTIONS_PER_IP_PER_HOUR",
        "EDITS_PER_USER_PER_HOUR",
        "EDITS_PER_IP_PER_HOUR",
        "COMPANY_SUGGESTIONS_PER_HOUR",
        "REPORTS_PER_IP_PER_CHANNEL_PER_DAY",
        "API_REQUESTS_PER_IP_PER_MINUTE",
    ):
        env[limit] = "1000000"  # fmt: skip
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # a previous run's sign-in limits would lock us out
    ids = prepare_database(env)
    targets = endpoints(ids)
    fuzzed = [t for t in targets if t[3] or "{}" in t[2]]
    per_endpoint = -(-args.requests // len(fuzzed))
    rows, failures = [], []
    with gunicorn(env, workdir, workers=3) as (base, _):
        browsers = {"anon": Browser(base), "trusted": Browser(base), "admin": Browser(base)}
        browsers["trusted"].sign_in("fuzz-trusted")
        browsers["admin"].sign_in("fuzz-admin")
        for name, method, path, names, who in targets:
            results = []
            fuzz_endpoint(browsers[who], name, method, path, names, per_endpoint, results)
            bad = [
                (status, sent) for status, sent, *_ in results if not isinstance(status, int) or status >= 500
            ]
            dropped = [("input not kept", sent) for _, sent, lost, _ in results if lost]
            shown = sum(1 for *_, shown_again in results if shown_again)
            rows.append((name, method, len(results), len(bad), shown, len(dropped)))
            bad += dropped
            failures += [(name, method, path, status, sent) for status, sent in bad[:3]]
    tried, failed, dropped = (sum(r[i] for r in rows) for i in (2, 3, 5))
    lines = [f"fuzz: {tried} requests against gunicorn (DEBUG=False, PostgreSQL, Redis): {failed} server errors, "
             f"{dropped} rejected forms that lost what was typed",
             f"{'endpoint':24} {'method':6} {'tried':>6} {'>= 500':>7} {'form shown again':>17} {'input lost':>11}"]  # fmt: skip
    lines += [
        f"{name:24} {method:6} {n:>6} {bad:>7} {shown:>17} {lost:>11}"
        for name, method, n, bad, shown, lost in rows
    ]
    lines += [
        f"FAILED {name} {method} {path} -> {status}: {sent!r}"[:500]
        for name, method, path, status, sent in failures
    ]
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "fuzz.txt").write_text(report)
    print(report, end="")
    sys.exit(1 if failed or dropped else 0)


if __name__ == "__main__":
    main()
