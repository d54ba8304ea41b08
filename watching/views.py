from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.redirects import safe_next
from directory.models import Company

from .models import Watch, watches_for_token


@require_POST
@login_required
def watch_company(request, slug):
    """Starts or stops watching a company, as the button says."""
    company = get_object_or_404(Company, slug=slug)
    if request.POST.get("action") == "stop":
        Watch.objects.filter(user=request.user, company=company).delete()
        messages.success(request, f"You no longer watch {company.name}.")
    else:
        Watch.objects.get_or_create(user=request.user, company=company)
        text = (
            f"You watch {company.name}: at most one e-mail a day when its published contact details change."
        )
        if not request.user.email:
            text += " Your account has no e-mail address, so there is nowhere to send it yet."
        messages.success(request, text)
    return redirect(safe_next(request) or company)  # the profile's list, when stopped from there


# Mail programs send the one-click unsubscribe (RFC 8058) as a POST without a CSRF token;
# the signed token is what authorises it, and stopping e-mails is all it can do.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def stop(request, token):
    """The e-mail's link: asks once (a link checker's GET changes nothing), then stops."""
    found = watches_for_token(token)
    if found is None:
        return render(request, "watching/stop.html", {"bad_link": True}, status=400)
    watches, company = found
    if request.method == "POST":
        watches.delete()
        return render(request, "watching/stop.html", {"company": company, "stopped": True})
    return render(
        request, "watching/stop.html", {"company": company, "token": token, "count": watches.count()}
    )
