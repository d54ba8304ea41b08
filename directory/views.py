from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.ratelimit import too_many
from core.visitors import ip_hash

from .forms import CompanySuggestionForm


@require_http_methods(["GET", "POST"])
def suggest_company(request):
    if request.method == "POST":
        form = CompanySuggestionForm(request.POST)
        visitor = ip_hash(request)
        if too_many(f"suggest-company:{visitor}", settings.COMPANY_SUGGESTIONS_PER_HOUR, 3600):
            form.add_error(None, "You have sent many suggestions in the last hour. Please try again later.")
        elif form.is_valid():
            if not form.is_spam():
                suggestion = form.save(commit=False)
                suggestion.ip_hash = visitor
                suggestion.save()
            messages.success(
                request, "Thank you. We will look into it and add the company if we can verify it."
            )
            return redirect("home")
    else:
        form = CompanySuggestionForm(initial={"name": request.GET.get("name", "")[:200]})
    return render(request, "directory/suggest_company.html", {"form": form})
