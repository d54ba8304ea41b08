from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from . import feedback
from .models import ChannelReport, Flag
from .querysets import RESOLUTIONS


class ReportForm(forms.Form):
    # "more" adds the minutes waited and what went wrong to the visitor's answer of today.
    worked = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("more", "Add to my answer")], widget=forms.HiddenInput
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason (optional)"), *ChannelReport.Reason.choices],
        required=False,
        label="What went wrong?",
    )
    minutes_waited = forms.IntegerField(
        required=False, min_value=0, max_value=1440, label="Minutes waited (optional)",
        error_messages={"max_value": "That is more than a day; enter the minutes you waited, up to 1440."},
    )  # fmt: skip

    def first_error(self):
        """The first problem with the answer, as one sentence for the channel's live region."""
        if "worked" in self.errors:
            return "Choose Yes or No."
        return next(iter(self.errors.values()))[0]

    @property
    def worked_value(self):
        return self.cleaned_data["worked"] == "yes"

    def save(self, request, channel, visitor):
        """Records the report; returns (message level, text) to tell the visitor."""
        if self.cleaned_data["worked"] == "more":
            if self.cleaned_data["minutes_waited"] is None and not self.cleaned_data["reason"]:
                return messages.ERROR, "Enter the minutes you waited or what went wrong, then press Add."
            if feedback.add_details(
                channel, visitor, self.cleaned_data["reason"], self.cleaned_data["minutes_waited"]
            ):
                return messages.SUCCESS, "Thank you! We added that to your answer."
            return messages.INFO, "Answer Yes or No first; then you can add how long you waited."
        try:
            feedback.record_report(
                request,
                channel,
                visitor,
                worked=self.worked_value,
                reason=self.cleaned_data["reason"],
                minutes_waited=self.cleaned_data["minutes_waited"],
            )
        except feedback.AlreadyReported:
            return messages.INFO, "You already told us about this channel today. Thank you!"
        except feedback.TooManyReports:
            return messages.ERROR, "We have many reports from your network today; please try again tomorrow."
        return messages.SUCCESS, "Thank you! Your report helps keep this page right."


class QueueFilterForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "All"), *Flag.Reason.choices], required=False)
    category = forms.SlugField(required=False, max_length=100)

    def filters(self):
        """(reason, category slug) to filter the queue by; a value that is neither is ignored."""
        self.is_valid()
        return self.cleaned_data.get("reason", ""), self.cleaned_data.get("category", "")


class ResolutionForm(forms.Form):
    """A review-queue POST: one row's button (one="status:id" with note-<id>) or the ticked rows
    (action, ids, bulk_note). The fields vary by row, so clean() reads the submitted data itself."""

    def clean(self):
        data = super().clean()
        if self.data.get("one"):
            status, _, flag_id = self.data["one"].partition(":")
            ids, note = [flag_id], self.data.get(f"note-{flag_id}", "")
        else:
            status, ids = self.data.get("action", ""), self.data.getlist("ids")
            note = self.data.get("bulk_note", "")
        data["status"], data["note"] = status, note.replace("\x00", "").strip()[:2000]
        data["ids"] = [int(i) for i in ids if str(i).isdecimal()]
        if status not in RESOLUTIONS or not data["ids"]:
            raise ValidationError("Choose an action and at least one flag.")
        if status == "dismissed" and not data["note"]:
            raise ValidationError("Say why you dismiss it: the note is kept with the flag.")
        return data
