import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from freshness import sweeps
from freshness.linkcheck import check_url
from freshness.models import Flag, LinkCheck
from tests.factories import make_channel, make_company


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/ok":
            self._reply(200)
        elif self.path == "/missing":
            self._reply(404)
        elif self.path == "/broken":
            self._reply(500)
        elif self.path == "/moved":
            self._reply(301, location="/ok")
        elif self.path == "/loop":
            self._reply(302, location="/loop")

    def _reply(self, status, location=None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_working_page_passes_and_redirects_are_followed(server):
    assert check_url(server + "/ok").ok
    moved = check_url(server + "/moved")
    assert moved.ok and moved.final_url == server + "/ok"


@pytest.mark.parametrize("path,status,error", [("/missing", 404, "HTTP 404"), ("/broken", 500, "HTTP 500")])
def test_error_statuses_fail_with_the_status(server, path, status, error):
    result = check_url(server + path)
    assert (result.ok, result.status_code, result.error) == (False, status, error)


def test_a_redirect_loop_fails(server):
    result = check_url(server + "/loop")
    assert not result.ok and "redirect" in result.error


def test_a_timeout_fails_after_retrying():
    # A listening socket that never accepts: the connection opens, no answer ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        result = check_url(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.3, retries=1)
    assert not result.ok and result.error == "timeout"


def test_an_unknown_host_fails_with_dns(server):
    result = check_url("http://no-such-host.invalid/", retries=0)
    assert not result.ok and result.error == "DNS lookup failed"


@pytest.mark.django_db
def test_a_channel_is_flagged_after_two_failed_checks_with_the_evidence(server):
    company = make_company()
    broken = make_channel(company, kind="web_form", value=server + "/missing")
    working = make_channel(company, kind="chat", value=server + "/ok")
    make_channel(company, kind="phone")  # phones are never fetched
    now = timezone.now()
    assert sweeps.check_links(now - timedelta(days=8)) == (2, 0)  # the first failure alone flags nothing
    assert sweeps.check_links(now - timedelta(days=8)) == (0, 0)  # nothing is due again so soon
    checked, flagged = sweeps.check_links(now)
    assert (checked, flagged) == (2, 1)
    flag = Flag.objects.get(reason="link")
    assert flag.channel == broken and flag.company_id == company.pk
    assert [c["status_code"] for c in flag.evidence["checks"]] == [404, 404]
    assert flag.evidence["checks"][0]["final_url"] == server + "/missing"
    assert LinkCheck.objects.filter(channel=working, ok=True).count() == 2


@pytest.mark.django_db
def test_a_failure_then_a_success_does_not_flag(server):
    channel = make_channel(kind="web_form", value=server + "/missing")
    now = timezone.now()
    sweeps.check_links(now - timedelta(days=8))
    channel.value = server + "/ok"
    channel.save()
    sweeps.check_links(now)
    assert not Flag.objects.exists()
