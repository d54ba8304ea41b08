from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError

from directory.models import ContactChannel, refuse_premium_numbers

from .corrections import FIELD_LABELS, describe, parse_hours, parse_steps
from .merge import MINE_MARK, SPLIT_MARK, THEIRS_MARK
from .models import ChannelCorrection, Difficulty, Guide, GuideKind


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
    channels = forms.ModelMultipleChoiceField(
        queryset=ContactChannel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Channels the guide uses",
    )
    summary = forms.CharField(
        max_length=200, required=False, label="Edit summary", help_text="What did you change, and why?"
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, max_value=10**9)
    # A reviewer's merge of a pending edit that overlapped with the published text.
    resolves = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n")  # browsers send CRLF; revisions keep LF
        refuse_premium_numbers(body, self.company.region)
        if any(line.strip() in (MINE_MARK, THEIRS_MARK) for line in body.splitlines()):
            raise ValidationError(
                f"Keep one of the two versions and remove the lines “{MINE_MARK}”, “{SPLIT_MARK}” and “{THEIRS_MARK}”."
            )
        return body

    @classmethod
    def for_revision(cls, guide, revision, data=None):
        """The form editing `guide`, starting from `revision` (see Guide.starting_revision)."""
        initial = revision.content() if revision else {f: getattr(guide, f) for f in Guide.CONTENT_FIELDS}
        initial["channels"] = initial.pop("channel_ids", None) or [c.pk for c in guide.channels.all()]
        initial["base_revision"] = revision.revision_number if revision else None
        form = cls(data, company=guide.company, initial=initial)
        return form

    def clean_base_revision(self):
        """The revision the edit started from; none sent means "from no revision" (0), which is a
        conflict as soon as the guide has one: an edit is never saved over what it did not see."""
        number = self.cleaned_data["base_revision"]
        return 0 if number is None else number

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["channels"].queryset = company.channels.filter(status="active").order_by(
            "human_rank", "id"
        )
        self.fields["channels"].label_from_instance = channel_label

    def content(self):
        content = {
            key: self.cleaned_data[key] for key in ("title", "body", "difficulty", "estimated_minutes")
        }
        content["channel_ids"] = [channel.pk for channel in self.cleaned_data["channels"]]
        return content


def channel_label(channel):
    return f"{channel.get_kind_display()} · {channel.get_department_display()}: {channel.display_value}"


class NewGuideForm(GuideEditForm):
    kind = forms.ChoiceField(choices=GuideKind.choices, label="What does the guide help with?")

    field_order = ["kind", "title", "body", "difficulty", "estimated_minutes", "channels", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["resolves"]


class CorrectionForm(forms.Form):
    """What a visitor or editor proposes for a company's channels; blank fields stay as they are."""

    action = forms.ChoiceField(
        choices=ChannelCorrection.Action.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    channel = forms.ModelChoiceField(
        queryset=ContactChannel.objects.none(), required=False, label="Which channel?"
    )
    kind = forms.ChoiceField(choices=[("", "—"), *ContactChannel.Kind.choices], required=False)
    value = forms.CharField(max_length=500, required=False, label="Number, address or link")
    social_platform = forms.ChoiceField(
        choices=[("", "—"), *ContactChannel.SocialPlatform.choices], required=False
    )
    department = forms.ChoiceField(choices=[("", "—"), *ContactChannel.Department.choices], required=False)
    hours = forms.CharField(
        required=False, max_length=500, help_text="e.g. Mon-Fri 08:00-20:00; Sat 09:00-17:00"
    )
    time_zone = forms.CharField(
        required=False, max_length=64, help_text="e.g. America/New_York or Europe/London"
    )
    ivr_steps = forms.CharField(
        required=False, max_length=300, label="Menu steps", help_text="e.g. press 2, press 0, say agent"
    )
    typical_wait_minutes = forms.IntegerField(
        required=False, min_value=0, max_value=1440, label="Typical wait (minutes)"
    )
    notes = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How do you know?",
        help_text="Where you saw it, or what happened when you tried.",
    )
    contact_email = forms.EmailField(required=False, label="Your e-mail (optional)")
    # Left empty by people; bots fill every field they find. Out of the tab order, like its label is out of sight.
    nickname = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # The review-queue flag the correction answers (from the queue's "Edit" link). Never
    # trusted: clean_flag keeps it only when it is an open flag of the chosen channel.
    flag = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["channel"].queryset = company.channels.filter(status="active").order_by(
            "human_rank", "id"
        )
        self.fields["channel"].label_from_instance = channel_label

    def clean_notes(self):
        refuse_premium_numbers(self.cleaned_data["notes"], self.company.region)
        return self.cleaned_data["notes"]

    def clean(self):
        data = super().clean()
        action, channel = data.get("action"), data.get("channel")
        if action in ("fix", "retire") and not channel:
            self.add_error("channel", "Choose the channel this is about.")
        if action == "add":
            for field in ("kind", "value"):
                if not data.get(field):
                    self.add_error(field, "A new channel needs this.")
        for field, parse in (("hours", parse_hours), ("ivr_steps", parse_steps)):
            try:
                data[f"{field}_parsed"] = parse(data.get(field, ""))
            except ValidationError as exc:
                self.add_error(field, exc)
        if self.errors or action == "retire":
            return data
        proposed = self.proposed()
        if action == "fix" and not proposed:
            raise ValidationError("Change at least one detail, or choose “It no longer works”.")
        correction = ChannelCorrection(
            company=self.company, channel=channel, action=action, proposed=proposed
        )
        try:
            # Constraints too: a number the company already lists is refused here, not when applied.
            correction.preview().full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data

    def proposed(self):
        data, channel = self.cleaned_data, self.cleaned_data.get("channel")
        proposed = {}
        for field in ChannelCorrection.FIELDS:
            value = data.get(f"{field}_parsed", data.get(field))
            if value in ("", None, []) and field not in ("hours", "ivr_steps"):
                continue
            if field in ("hours", "ivr_steps") and not data.get(field):
                continue
            if channel is None or getattr(channel, field) != value:
                proposed[field] = value
        if data.get("action") == "add":
            proposed.setdefault("department", "general")
        return proposed

    @staticmethod
    def initial_from(query):
        """The form's starting values from the link that opened it (?channel=, ?flag=, ?action=)."""
        action = query.get("action")
        return {
            "action": action if action in ChannelCorrection.Action.values else "fix",
            "channel": query.get("channel"),
            "flag": query.get("flag"),
        }

    def save(self, user, ip_hash):
        """Stores the proposed correction, waiting for review; returns it."""
        data = self.cleaned_data
        return ChannelCorrection.objects.create(
            company=self.company,
            channel=data.get("channel"),
            action=data["action"],
            proposed=self.proposed() if data["action"] != "retire" else {},
            reason=data["reason"],
            author=user if user.is_authenticated else None,
            contact_email=data["contact_email"],
            ip_hash=ip_hash,
            flag_id=data.get("flag"),
        )

    def is_spam(self):
        return bool(self.cleaned_data.get("nickname"))

    @cached_property
    def chosen_channel(self):
        """The channel the form is about (as sent, or from the link that opened it), or None."""
        channel_id = str(self["channel"].value() or "")
        if not (channel_id.isdecimal() and len(channel_id) < 19):
            return None
        return self.fields["channel"].queryset.filter(pk=int(channel_id)).first()

    def current_values(self):
        """[(detail, lines)] of the chosen channel as it is now, so people see what they correct."""
        channel = self.chosen_channel
        if channel is None:
            return []
        return [
            (FIELD_LABELS[field], describe(field, getattr(channel, field)))
            for field in ChannelCorrection.FIELDS
        ]

    def clean_flag(self):
        flag = self.open_flag()
        return flag.pk if flag else None

    def open_flag(self):
        """The open review-queue flag this correction answers, when it is one of the chosen channel's."""
        flag_id, channel = str(self["flag"].value() or ""), self.chosen_channel
        if not (flag_id.isdecimal() and len(flag_id) < 19) or channel is None:
            return None
        return channel.flags.filter(pk=int(flag_id), status="open").first()
