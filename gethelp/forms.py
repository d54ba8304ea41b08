from django import forms

from core.countries import ANYWHERE, country_names


class CountryForm(forms.Form):
    country = forms.ChoiceField(label="Your country", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            (ANYWHERE, "No country: list every channel by rank"),
            *country_names().items(),
        ]
