import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.countries import country_name
from core.domains import web_host
from core.models import TimeStamped

from .querysets import CategoryQuerySet, CompanyQuerySet, ContactChannelQuerySet

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}


class Category(TimeStamped):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("category", args=[self.slug])


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    F = "F", "F"


class Company(TimeStamped):
    Grade = Grade

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names, old names and common misspellings, as a list of strings.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="companies")
    website = models.URLField(blank=True)
    countries = models.JSONField(default=list, blank=True, help_text="ISO 3166 country codes served.")
    description = models.CharField(max_length=300, blank=True)
    no_phone_support = models.BooleanField(
        default=False, help_text="The company says it offers no phone support at all."
    )
    view_count = models.PositiveIntegerField(default=0, editable=False)
    # Computed by freshness.grading from the company's channels, reports and guides; blank: not
    # graded yet. Stored so lists show it without a query per company.
    grade = models.CharField(max_length=1, choices=Grade.choices, blank=True, editable=False)
    grade_inputs = models.JSONField(default=dict, blank=True, editable=False)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [
            # The home page lists the most viewed companies.
            models.Index(fields=["-view_count"], name="company_most_viewed"),
            # The API's changes feed reads new companies in the order they were added.
            models.Index(fields=["created", "id"], name="company_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=["", *Grade.values]), name="company_grade_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("company", args=[self.slug])

    def clean(self):
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": "Aliases must be a list of names."})
        if len(self.aliases) > 50 or any(len(a) > 200 for a in self.aliases):
            raise ValidationError({"aliases": "At most 50 other names, each up to 200 characters."})
        if isinstance(self.countries, list) and len(self.countries) > 250:
            raise ValidationError({"countries": "At most 250 countries."})
        self.aliases = [a.strip() for a in self.aliases if a.strip()]
        if not isinstance(self.countries, list) or not all(
            isinstance(c, str) and len(c) == 2 and c.isalpha() for c in self.countries
        ):
            raise ValidationError({"countries": "Countries must be a list of two-letter codes."})
        self.countries = [c.upper() for c in self.countries]

    @property
    def domain(self):
        return web_host(self.website)

    @property
    def index_letter(self):
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"

    @property
    def active_channels(self):
        """Active channels, best first; uses the prefetch from `with_best_channel()` when present."""
        return [c for c in self.channels.all() if c.status == ContactChannel.Status.ACTIVE]

    # The visitor's country for one page view (prefer_country): its channels come first.
    preferred_country = ""

    def prefer_country(self, country):
        self.preferred_country = country

    def _channel_order(self, channel):
        """The visitor's country's channels, then those for everywhere, then other countries';
        by rank within each."""
        place = 0
        if self.preferred_country and channel.country != self.preferred_country:
            place = 2 if channel.country else 1
        return (place, channel.human_rank, channel.id)

    @property
    def human_channels(self):
        """Active channels that reach a human, best (lowest rank) first."""
        return sorted((c for c in self.active_channels if c.reaches_human), key=self._channel_order)

    def country_coverage(self, country):
        """How `country` is served: "own" (a channel made for it), "general" (channels tied to no
        country, and the company serves it or does not say which it serves) or "none"."""
        channels = self.active_channels
        if any(c.country == country for c in channels):
            return "own"
        general = any(not c.country for c in channels) and (not self.countries or country in self.countries)
        return "general" if general else "none"

    @property
    def best_channel(self):
        """The best way to reach a human: the lowest-ranked active channel that reaches one."""
        return next(iter(self.human_channels), None)

    @property
    def region(self):
        """The country phone numbers in this company's text are read in when written without one."""
        return self.countries[0] if self.countries else "US"

    def unfamiliar_contacts(self, text):
        """Phone numbers, e-mail addresses and links in `text` found on none of this company's
        channels and not on its own domain, as readable strings: what a reviewer should check."""
        channels = [(c.kind, c.value) for c in self.channels.all()]  # prefetched by review pages
        numbers = {value for kind, value in channels if kind == ChannelKind.PHONE}
        addresses = {value.lower() for kind, value in channels if kind == ChannelKind.EMAIL}
        hosts = {web_host(value) for kind, value in channels if value.startswith("http")} | {self.domain}
        hosts.discard("")

        def own_host(host):
            return any(host == known or host.endswith("." + known) for known in hosts)

        found = [
            f"new number {format_phone(e164)}"
            for _, e164 in phone_numbers_in(text, self.region)
            if e164 not in numbers
        ]
        for address in EMAIL_IN_TEXT.findall(text or ""):
            if address.lower() not in addresses and not own_host(address.rsplit("@", 1)[1].lower()):
                found.append(f"new e-mail address {address}")
        for url in URL_IN_TEXT.findall(text or ""):
            if not own_host(web_host(url)):
                found.append(f"link to another site {web_host(url)}")
        return list(dict.fromkeys(found))

    def channels_by_department(self):
        """[(department label, [channels])] in the order departments are declared."""
        groups = {}
        for channel in sorted(self.active_channels, key=self._channel_order):
            groups.setdefault(channel.department, []).append(channel)
        order = [d.value for d in ContactChannel.Department]
        return [(ContactChannel.Department(dept).label, groups[dept]) for dept in order if dept in groups]


class ChannelKind(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Live chat"
    WEB_FORM = "web_form", "Web form"
    SOCIAL = "social", "Social account"
    POSTAL = "postal", "Postal mail"
    IN_PERSON = "in_person", "In person"
    APP = "app", "App"


class Department(models.TextChoices):
    GENERAL = "general", "General"
    BILLING = "billing", "Billing"
    TECH_SUPPORT = "tech_support", "Tech support"
    CANCELLATIONS = "cancellations", "Cancellations"
    SALES = "sales", "Sales"
    COMPLAINTS = "complaints", "Complaints"
    ACCOUNTS = "accounts", "Accounts"
    FRAUD = "fraud", "Fraud and security"
    PRIVACY = "privacy", "Privacy and data protection"


# The departments that take cancellations, the one named first preferred (the Cancel box, the grade).
CANCEL_DEPARTMENTS = (Department.CANCELLATIONS, Department.ACCOUNTS)


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class SocialPlatform(models.TextChoices):
    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"


class ContactChannel(TimeStamped):
    Kind = ChannelKind
    Department = Department
    Status = ChannelStatus
    SocialPlatform = SocialPlatform

    URL_KINDS = {Kind.CHAT, Kind.WEB_FORM, Kind.APP}
    IVR_ACTIONS = ("press", "say", "wait")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(
        max_length=500,
        help_text="Phone in any format (stored as E.164), e-mail, URL, social handle or postal address.",
    )
    social_platform = models.CharField(max_length=20, choices=SocialPlatform.choices, blank=True)
    label = models.CharField(max_length=100, blank=True, help_text="Short name, e.g. 'UK customers'.")
    department = models.CharField(max_length=20, choices=Department.choices, default=Department.GENERAL)
    country = models.CharField(max_length=2, blank=True, help_text="Two-letter code; blank means everywhere.")
    region = models.CharField(max_length=100, blank=True)
    hours = models.JSONField(
        default=list,
        blank=True,
        help_text='Weekly opening hours: [{"day": "mon", "opens": "08:00", "closes": "20:00"}]. '
        "Empty means hours unknown.",
    )
    open_24_7 = models.BooleanField(default=False)
    time_zone = models.CharField(max_length=64, default="UTC")
    reaches_human = models.BooleanField(default=True)
    ivr_steps = models.JSONField(
        default=list,
        blank=True,
        help_text='Ordered steps past the phone menu: [{"action": "press", "value": "2"}, '
        '{"action": "say", "value": "agent"}, {"action": "wait"}].',
    )
    typical_wait_minutes = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    human_rank = models.PositiveSmallIntegerField(
        default=100, help_text="Lower is better: 1 is the best way to reach a human."
    )
    is_primary = models.BooleanField(default=False, help_text="The main channel of its department.")
    source_url = models.URLField(blank=True, max_length=500)
    source_seen_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who last checked it: a reviewer, or whoever approved a correction.",
    )  # fmt: skip
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    objects = ContactChannelQuerySet.as_manager()

    class Meta:
        ordering = ["human_rank", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChannelKind.values), name="channel_kind_valid"),
            models.CheckConstraint(
                condition=Q(department__in=Department.values),
                name="channel_department_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ChannelStatus.values),
                name="channel_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="social") | ~Q(social_platform=""),
                name="channel_social_has_platform",
            ),
            models.UniqueConstraint(
                fields=["company", "department"],
                condition=Q(is_primary=True, status="active"),
                name="channel_one_primary_per_department",
            ),
            models.UniqueConstraint(fields=["company", "kind", "value"], name="channel_unique_value"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "human_rank"], name="channel_company_rank"),
        ]

    def __str__(self):
        return f"{self.company} — {self.get_kind_display()}: {self.display_value}"

    # Validation -------------------------------------------------------------

    def clean(self):
        errors = {}
        try:
            self.value = self.normalised_value()
        except ValidationError as exc:
            errors["value"] = exc.messages
        if self.kind == self.Kind.SOCIAL and not self.social_platform:
            errors["social_platform"] = "Choose the social platform of this account."
        if self.kind != self.Kind.SOCIAL:
            self.social_platform = ""
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = f"'{self.time_zone}' is not a known time zone, e.g. Europe/London."
        try:
            self.hours = validate_hours(self.hours)
        except ValidationError as exc:
            errors["hours"] = exc.messages
        try:
            self.ivr_steps = validate_ivr_steps(self.ivr_steps)
        except ValidationError as exc:
            errors["ivr_steps"] = exc.messages
        if self.ivr_steps and self.kind != self.Kind.PHONE:
            errors.setdefault("ivr_steps", []).append("Only phone channels have menu steps.")
        if self.country:
            self.country = self.country.upper()
            if len(self.country) != 2 or not self.country.isalpha():
                errors["country"] = "Use a two-letter country code, e.g. US or GB."
        if errors:
            raise ValidationError(errors)

    def normalised_value(self):
        """The value in its stored form for the channel's kind, or a ValidationError."""
        return normalise_channel_value(self.kind, self.value, self.country)

    # Presentation -----------------------------------------------------------

    @property
    def is_phone(self):
        return self.kind == self.Kind.PHONE

    @property
    def display_value(self):
        if self.is_phone:
            return format_phone(self.value)
        if self.kind in self.URL_KINDS:
            # People read the address to judge where a link goes; the scheme adds nothing.
            return self.value.split("://", 1)[-1].rstrip("/")
        return self.value

    @property
    def href(self):
        """The link that opens this channel, or '' when it has none (postal, in person)."""
        if self.is_phone:
            return self.tel_uri
        if self.kind == self.Kind.EMAIL:
            return f"mailto:{self.value}"
        if self.value.startswith(("http://", "https://")):
            return self.value
        if self.kind == self.Kind.SOCIAL:
            return social_profile_url(self.social_platform, self.value)
        return ""

    @property
    def tel_uri(self):
        """tel: URI that dials the number and then the menu keypresses.

        Each ',' is a two-second pause on phones; two give the menu time to answer.
        Dialling stops at the first step that is not a keypress (say, wait for an agent)
        because a phone cannot perform it.
        """
        uri = f"tel:{self.value}"
        for step in self.ivr_steps:
            if step["action"] == "press":
                uri += ",," + step["value"]
            elif step["action"] == "wait" and step.get("value"):
                # Bounded here too: rows saved before the validator bounded waits.
                seconds = int(step["value"]) if step["value"].isascii() and step["value"].isdigit() else 0
                uri += "," * max(1, min(seconds, MAX_WAIT_SECONDS) // 2)
            else:
                break
        return uri

    @property
    def country_name(self):
        return country_name(self.country)

    @property
    def ivr_summary(self):
        return [describe_ivr_step(step) for step in self.ivr_steps]

    @property
    def is_official(self):
        """True when the source page is on the company's own domain.

        Consumers use it to tell a number the company publishes from one copied off
        a forum, a common route for scam numbers.
        """
        domain = self.company.domain
        host = web_host(self.source_url)
        return bool(domain and host and (host == domain or host.endswith("." + domain)))

    def verified_days_ago(self, now=None):
        if not self.last_verified_at:
            return None
        # A check stamped a little ahead of this clock (another machine's, an import's) is today's.
        return max(0, ((now or timezone.now()) - self.last_verified_at).days)

    @property
    def freshness_label(self):
        """'Verified today', 'Last verified 3 days ago' or 'Not verified yet'."""
        days = self.verified_days_ago()
        if days is None:
            return "Not verified yet"
        if days == 0:
            return "Verified today"
        return f"Last verified {days} day{'s' if days != 1 else ''} ago"

    def is_open(self, now=None):
        """Whether the channel is open at `now`; None when its hours are unknown."""
        if self.open_24_7:
            return True
        if not self.hours:
            return None
        local = (now or timezone.now()).astimezone(ZoneInfo(self.time_zone))
        day = WEEKDAYS[local.weekday()]
        clock = local.strftime("%H:%M")
        return any(p["day"] == day and p["opens"] <= clock < p["closes"] for p in self.hours)

    def next_opening(self, now=None):
        """(weekday name, 'HH:MM') of the next opening in the channel's time zone, or None."""
        opening = self.next_opening_at(now)
        return (WEEKDAY_NAMES[WEEKDAYS[opening.weekday()]], opening.strftime("%H:%M")) if opening else None

    def next_opening_at(self, now=None):
        """The moment of the next opening, in the channel's time zone, or None."""
        if not self.hours or self.open_24_7:
            return None
        zone = ZoneInfo(self.time_zone)
        local = (now or timezone.now()).astimezone(zone)
        clock = local.strftime("%H:%M")
        for offset in range(8):
            day = WEEKDAYS[(local.weekday() + offset) % 7]
            opens = sorted(
                p["opens"] for p in self.hours if p["day"] == day and (offset > 0 or p["opens"] > clock)
            )
            if opens:
                hour, minute = map(int, opens[0].split(":"))
                date = (local + timedelta(days=offset)).date()
                return datetime(date.year, date.month, date.day, hour, minute, tzinfo=zone)
        return None

    def opening_status(self, now=None):
        """Short text for the page: 'Open 24/7', 'Open now', 'Opens Mon 08:00' or ''."""
        if self.open_24_7:
            return "Open 24/7"
        is_open = self.is_open(now)
        if is_open is None:
            return ""
        if is_open:
            return "Open now"
        opening = self.next_opening_at(now)
        if opening is None:
            return "Closed"
        # The zone's abbreviation ("EST") says whose clock; the page's script rewrites it in the
        # visitor's own time (static/js/local-time.js).
        return f"Opens {opening:%a %H:%M} {opening.tzname()}"

    @property
    def next_opening_iso(self):
        opening = None if self.open_24_7 or self.is_open() else self.next_opening_at()
        return opening.isoformat() if opening else ""

    @property
    def hours_by_day(self):
        """[(day name, 'HH:MM–HH:MM, ...')] for the days the channel is open."""
        rows = []
        for day in WEEKDAYS:
            spans = sorted((p["opens"], p["closes"]) for p in self.hours if p["day"] == day)
            if spans:
                rows.append((WEEKDAY_NAMES[day], ", ".join(f"{a}–{b}" for a, b in spans)))
        return rows


# Value helpers --------------------------------------------------------------


# Numbers that do not reach a company's support at a normal rate, or that forward
# anywhere: the kinds scammers plant as "customer service" numbers.
REFUSED_NUMBER_TYPES = {
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "a personal forwarding number",
    phonenumbers.PhoneNumberType.PAGER: "a pager number",
    phonenumbers.PhoneNumberType.VOICEMAIL: "a voicemail number",
}


def normalise_channel_value(kind, value, country=""):
    """A channel's value in its stored form for its kind, or a ValidationError; what
    ContactChannel.normalised_value() does, for a reader (an import) with no channel at hand."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Enter a value.")
    if kind == ChannelKind.PHONE:
        return normalise_phone(value, country or "US")
    if kind == ChannelKind.EMAIL:
        EmailValidator(message="Enter a valid e-mail address.")(value)
        return value.lower()
    if kind in ContactChannel.URL_KINDS:
        URLValidator(
            schemes=["http", "https"],
            message="Enter a valid web address (https://...).",
        )(value)
        return value
    if kind == ChannelKind.SOCIAL:
        if value.startswith(("http://", "https://")):
            URLValidator(schemes=["http", "https"], message="Enter a valid profile address.")(value)
            return value
        handle = value.lstrip("@")
        if not handle or any(ch.isspace() for ch in handle) or len(handle) > 100:
            raise ValidationError("Enter the account handle, e.g. @northwindhelp, or its address.")
        return "@" + handle
    return value


def normalise_phone(value, region="US"):
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"'{value}' is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"'{value}' is not a valid phone number for its country.")
    check_number_type(number, value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_number_type(number, as_typed):
    """Refuses premium-rate and other numbers that are not a company's support line."""
    refused = REFUSED_NUMBER_TYPES.get(phonenumbers.number_type(number))
    if refused:
        raise ValidationError(
            f"'{as_typed}' is {refused}. GetHelp lists only numbers that reach a company at a normal rate."
        )


def _numbers_in(text, region):
    return phonenumbers.PhoneNumberMatcher(text or "", region, leniency=phonenumbers.Leniency.VALID)


def phone_numbers_in(text, region="US"):
    """[(as written, E.164)] for every valid phone number in a text."""
    e164 = phonenumbers.PhoneNumberFormat.E164
    return [
        (match.raw_string, phonenumbers.format_number(match.number, e164))
        for match in _numbers_in(text, region)
    ]


def refuse_premium_numbers(text, region="US"):
    """Raises ValidationError naming the first premium-rate (or similar) number in a text."""
    for match in _numbers_in(text, region):
        check_number_type(match.number, match.raw_string)


EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_IN_TEXT = re.compile(r"https?://[^\s<>()\]\[\"']+", re.I)


def format_phone(e164):
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


SOCIAL_PROFILE_URLS = {
    "x": "https://x.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "instagram": "https://www.instagram.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "linkedin": "https://www.linkedin.com/company/{}",
    "youtube": "https://www.youtube.com/@{}",
    "tiktok": "https://www.tiktok.com/@{}",
}


def social_profile_url(platform, handle):
    pattern = SOCIAL_PROFILE_URLS.get(platform)
    return pattern.format(handle.lstrip("@")) if pattern else ""


CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def _parse_clock(value):
    if isinstance(value, str) and CLOCK.fullmatch(value):
        return value  # already HH:MM, as stored: imports read thousands
    try:
        return datetime.strptime(value, "%H:%M").strftime("%H:%M")
    except (TypeError, ValueError):
        raise ValidationError(f"'{value}' is not a time; use 24-hour HH:MM, e.g. 08:30.") from None


def validate_hours(hours):
    """Checks weekly hours and returns them in canonical form (sorted, zero-padded)."""
    if not isinstance(hours, list):
        raise ValidationError("Hours must be a list of opening periods.")
    clean = []
    for period in hours:
        if not isinstance(period, dict) or set(period) != {"day", "opens", "closes"}:
            raise ValidationError('Each opening period needs exactly "day", "opens" and "closes".')
        day = str(period["day"]).lower()[:3]
        if day not in WEEKDAYS:
            raise ValidationError(f"'{period['day']}' is not a weekday; use mon, tue, ... sun.")
        opens, closes = _parse_clock(period["opens"]), _parse_clock(period["closes"])
        if closes == "00:00":
            closes = "24:00"
        if opens >= closes:
            raise ValidationError(f"On {day} the channel closes ({closes}) before it opens ({opens}).")
        clean.append({"day": day, "opens": opens, "closes": closes})
    clean.sort(key=lambda p: (WEEKDAYS.index(p["day"]), p["opens"]))
    for a, b in zip(clean, clean[1:], strict=False):
        if a["day"] == b["day"] and b["opens"] < a["closes"]:
            raise ValidationError(f"Opening periods on {a['day']} overlap.")
    return clean


MAX_IVR_STEPS = 20
MAX_KEYPRESSES = 20
MAX_SAY_LENGTH = 100
MAX_WAIT_SECONDS = 300


def validate_ivr_steps(steps):
    """Checks menu steps and returns them in canonical form; the one check forms, corrections,
    imports and the model share. Every value is bounded: a wait is ASCII digits, at most
    MAX_WAIT_SECONDS, because tel_uri turns it into pauses."""
    if not isinstance(steps, list):
        raise ValidationError("Menu steps must be a list.")
    if len(steps) > MAX_IVR_STEPS:
        raise ValidationError(f"A menu path has at most {MAX_IVR_STEPS} steps.")
    clean = []
    for step in steps:
        if not isinstance(step, dict) or step.get("action") not in ContactChannel.IVR_ACTIONS:
            raise ValidationError('Each menu step needs an "action": press, say or wait.')
        action, value = step["action"], str(step.get("value", "")).strip()
        shown = value[:20] + ("…" if len(value) > 20 else "")
        if action == "press" and not (
            0 < len(value) <= MAX_KEYPRESSES and all(ch in "0123456789*#" for ch in value)
        ):
            raise ValidationError(f"'{shown}' cannot be pressed; use up to {MAX_KEYPRESSES} digits, * or #.")
        if action == "say" and not 0 < len(value) <= MAX_SAY_LENGTH:
            raise ValidationError(f"A 'say' step needs the words, up to {MAX_SAY_LENGTH} characters.")
        if (
            action == "wait"
            and value
            and not (value.isascii() and value.isdigit() and int(value) <= MAX_WAIT_SECONDS)
        ):
            raise ValidationError(f"Wait '{shown}' must be a number of seconds, at most {MAX_WAIT_SECONDS}.")
        clean.append({"action": action, "value": value} if value else {"action": action})
    return clean


def describe_ivr_step(step):
    if step["action"] == "press":
        return f"Press {step['value']}"
    if step["action"] == "say":
        return f"Say “{step['value']}”"
    if step.get("value"):
        return f"Wait {step['value']} seconds"
    return "Wait for an agent"


class CompanySuggestion(TimeStamped):
    """A company a visitor asked us to add; staff review these in the admin."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ADDED = "added", "Added"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    details = models.TextField(blank=True, max_length=2000, help_text="How to contact them, if known.")
    email = models.EmailField(blank=True, help_text="Optional, to tell the visitor when it is added.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "added", "rejected"]), name="company_suggestion_status_valid"
            )
        ]

    def __str__(self):
        return self.name
