from django import forms

from .models import Difficulty, GuideKind


class GuideEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text="Markdown: **bold**, lists with 1. or -, links.",
    )
    difficulty = forms.ChoiceField(choices=Difficulty.choices)
    estimated_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=10000, label="Estimated minutes"
    )
    summary = forms.CharField(
        max_length=200, required=False, label="Edit summary", help_text="What did you change, and why?"
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def content(self):
        return {key: self.cleaned_data[key] for key in ("title", "body", "difficulty", "estimated_minutes")}


class NewGuideForm(GuideEditForm):
    kind = forms.ChoiceField(choices=GuideKind.choices, label="What does the guide help with?")

    field_order = ["kind", "title", "body", "difficulty", "estimated_minutes", "summary"]
