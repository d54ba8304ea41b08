from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.redirects import safe_next
from core.visitors import ip_hash

from .forms import LimitedPasswordResetForm, SignupForm
from .ratelimit import too_many


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if too_many(f"signup:{ip_hash(request)}", 10, 3600):
            form.add_error(
                None, "Too many sign-ups from your network in the last hour. Please try again later."
            )
        elif form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome, {user.username}! You can now edit guides; your first edits are reviewed."
            )
            return redirect(safe_next(request) or reverse("accounts:profile", args=[user.username]))
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request)})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with a rate-limited form (it needs the request to count by address)."""

    form_class = LimitedPasswordResetForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        return form


@require_GET
def profile(request, username):
    person = get_object_or_404(User.objects.select_related("profile"), username=username, is_active=True)
    edits = person.guide_revisions.select_related("guide__company", "guide__current_revision", "reviewed_by")
    # Everyone sees that an edit exists and its state; its text only those who may read that revision.
    readable = set(person.guide_revisions.visible_to(request.user).values_list("pk", flat=True))
    corrections = person.channelcorrection_set.select_related("company", "channel").order_by("-created")[:100]
    counts = person.guide_revisions.aggregate(
        total=Count("id"), accepted=Count("id", filter=Q(status="approved"))
    )
    role = (
        "Admin"
        if person.is_staff
        else getattr(getattr(person, "profile", None), "get_role_display", lambda: "Editor")()
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "revisions": edits.order_by("-created")[:100],
            "readable": readable,
            "corrections": corrections,
            "counts": counts,
            "role": role,
            "watches": person.watches.select_related("company") if request.user == person else (),
        },
    )
