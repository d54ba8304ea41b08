"""HTTP checks of channel addresses (web forms, chat pages, app and social links)."""

import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

USER_AGENT = "GetHelpLinkCheck/1.0 (+https://gethelp.example/about/link-checks)"


@dataclass
class CheckResult:
    ok: bool
    status_code: int | None = None
    final_url: str = ""
    error: str = ""


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5
    max_repeats = 2


def _opener():
    return urllib.request.build_opener(_LimitedRedirects())


def check_url(url, timeout=None, retries=None):
    """GETs `url` following redirects; ok means a 2xx answer in time.

    Timeouts and connection errors are retried; an HTTP error status is an answer
    and is not. The error text says what went wrong: status, DNS, TLS, timeout,
    redirect loop.
    """
    timeout = timeout or settings.LINK_CHECK_TIMEOUT_SECONDS
    retries = settings.LINK_CHECK_RETRIES if retries is None else retries
    result = CheckResult(ok=False)
    for _ in range(retries + 1):
        result = _check_once(url, timeout)
        if result.ok or result.status_code is not None or "redirect" in result.error:
            return result
    return result


def _check_once(url, timeout):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _opener().open(request, timeout=timeout) as response:
            return CheckResult(
                ok=200 <= response.status < 300, status_code=response.status, final_url=response.url
            )
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308):
            return CheckResult(
                ok=False, status_code=exc.code, final_url=exc.url, error="redirect loop or too many redirects"
            )
        return CheckResult(ok=False, status_code=exc.code, final_url=exc.url or url, error=f"HTTP {exc.code}")
    except urllib.error.URLError as exc:
        return CheckResult(ok=False, final_url=url, error=_describe(exc.reason))
    except TimeoutError:
        return CheckResult(ok=False, final_url=url, error="timeout")
    except (ConnectionError, OSError, ValueError) as exc:
        return CheckResult(ok=False, final_url=url, error=_describe(exc))


def _describe(reason):
    if isinstance(reason, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"[:300]
    if isinstance(reason, TimeoutError):
        return "timeout"
    return str(reason)[:300] or reason.__class__.__name__
