from django import forms

from .models import CompanySuggestion


class CompanySuggestionForm(forms.ModelForm):
    # Left empty by people; bots fill every field they find.
    nickname = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = CompanySuggestion
        fields = ["name", "website", "details", "email"]
        labels = {"name": "Company name", "details": "How to reach them, if you know"}
        widgets = {"details": forms.Textarea(attrs={"rows": 4})}

    def is_spam(self):
        return bool(self.cleaned_data.get("nickname"))
