from django import forms

from .models import ChannelReport, CompanySuggestion


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


class ReportForm(forms.Form):
    worked = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason (optional)"), *ChannelReport.Reason.choices],
        required=False,
        label="What went wrong?",
    )
    minutes_waited = forms.IntegerField(
        required=False, min_value=0, max_value=1440, label="Minutes waited (optional)",
        error_messages={"max_value": "That is more than a day; enter the minutes you waited, up to 1440."},
    )  # fmt: skip

    @property
    def worked_value(self):
        return self.cleaned_data["worked"] == "yes"
