from django import forms
from django.utils.http import url_has_allowed_host_and_scheme

from core.countries import ANYWHERE, country_names


class CountryForm(forms.Form):
    country = forms.ChoiceField(label="Your country", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            (ANYWHERE, "No country: list every channel by rank"),
            *country_names().items(),
        ]


def next_url(request, url):
    """Back where the visitor came from, on this site only."""
    safe = url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure())
    return url if url and safe and "\x00" not in url else "/"
