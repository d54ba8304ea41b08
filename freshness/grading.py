"""The company grade, A to F: how hard it is to reach a human there, and to cancel.

The rule is `grade()`: named inputs in, a letter (or None: not graded yet), a score out
of 100 and the points each input cost out. The company page, the "how we grade" page
(which prints the tables below) and the tests all read it, so they cannot disagree.

`grade_companies()` gathers the inputs from the database set-wise, in bounded batches,
and stores them with the letter on the company (`Company.grade`, `Company.grade_inputs`),
so lists show the letter without a query per company. The daily sweep grades every
company; a recorded report, a saved channel or guide grades its company again once the
change commits (receivers.py).
"""

import logging
from dataclasses import asdict, dataclass, fields

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from directory.models import CANCEL_DEPARTMENTS, Company, ContactChannel
from guides.models import CANCEL_GUIDE_KINDS, Guide

from . import feedback
from .signals import grades_changed

log = logging.getLogger(__name__)

# Reaching a human is worth 60 points, cancelling 40; each input takes points off its half.
REACH_POINTS = 60
CANCEL_POINTS = 40

# Menu steps (keys to press, words to say) before a person answers on the best channel.
POINTS_PER_MENU_STEP = 3
MOST_MENU_POINTS = 12  # 4 steps or more

# Share of people who reached a human on the best channel in the report window:
# (at least this %, points off), best first.
GOT_THROUGH_POINTS = ((90, 0), (75, 8), (60, 16), (40, 24), (0, 30))
# Too few reports to know: counted as 75-89 %. Before a channel has many answers the
# failure detector assumes 1 in 5 people fail too (detector.PRIOR_FAILURES).
GOT_THROUGH_UNKNOWN_POINTS = 8

# The typical wait on the best channel, reported by people when enough did, else the
# channel's own: (up to this many minutes, points off); None: any longer.
WAIT_POINTS = ((5, 0), (15, 4), (30, 8), (60, 12), (None, 18))
WAIT_UNKNOWN_POINTS = 4  # counted as 6-15 min

# The difficulty of the cancel guide (a "Cancel" guide, else a "Close an account" one).
DIFFICULTY_POINTS = {
    Guide.Difficulty.EASY: 0,
    Guide.Difficulty.MEDIUM: 8,
    Guide.Difficulty.HARD: 16,
    Guide.Difficulty.IMPOSSIBLE: 30,
}
NO_GUIDE_POINTS = 8  # counted as medium

# Cancelling needs a call when none of the ways to cancel we list is online: the cancel
# guide's channels, else the cancellations and accounts departments' channels. Listing no
# way at all costs as much: knowing less about a company must never grade it better.
NEEDS_CALL_POINTS = 10
ONLINE_KINDS = {
    ContactChannel.Kind.EMAIL,
    ContactChannel.Kind.CHAT,
    ContactChannel.Kind.WEB_FORM,
    ContactChannel.Kind.APP,
}

# Score (100 less the points off) to letter: (at least this score, letter), best first.
LETTERS = ((85, "A"), (70, "B"), (55, "C"), (40, "D"), (0, "F"))

assert MOST_MENU_POINTS + GOT_THROUGH_POINTS[-1][1] + WAIT_POINTS[-1][1] == REACH_POINTS
assert max(DIFFICULTY_POINTS.values()) + NEEDS_CALL_POINTS == CANCEL_POINTS
assert {letter for _, letter in LETTERS} == set(Company.Grade.values)


@dataclass(frozen=True)
class GradeInputs:
    """What a grade is computed from; stored as Company.grade_inputs."""

    human_channel: str = ""  # kind of the best way to reach a human; "": none known
    menu_steps: int = 0
    reports: int = 0  # credible reports on that channel in the report window
    reached: int = 0  # of which reached a human
    wait_minutes: int | None = None
    wait_reported: bool = False  # the wait is what people reported, not what the channel says
    cancel_difficulty: str = ""  # of the cancel guide; "": no cancel guide
    cancel_needs_call: bool | None = None  # None: no way to cancel listed

    @classmethod
    def from_stored(cls, stored):
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in (stored or {}).items() if key in names})

    @property
    def enough_reports(self):
        return self.reports >= settings.FEEDBACK_MIN_REPORTS_TO_SHOW

    @property
    def got_through_percent(self):
        """As the page's report summary rounds it (feedback.ChannelSummary.percent)."""
        return round(100 * self.reached / self.reports) if self.reports else None

    @property
    def cancel_known(self):
        return bool(self.cancel_difficulty) or self.cancel_needs_call is not None


@dataclass(frozen=True)
class Part:
    half: str  # "reach" or "cancel"
    name: str
    value: str  # the input in words: "2 menu steps"
    points_off: int


@dataclass(frozen=True)
class Grade:
    inputs: GradeInputs
    letter: str | None  # None: not graded yet
    score: int | None
    parts: tuple[Part, ...]
    missing: str = ""  # why it is not graded yet

    @property
    def reach_score(self):
        return REACH_POINTS - sum(p.points_off for p in self.parts if p.half == "reach")

    @property
    def cancel_score(self):
        return CANCEL_POINTS - sum(p.points_off for p in self.parts if p.half == "cancel")

    @property
    def summary(self):
        """ "reach a human: 2 menu steps, 85% of 20 people got through, typical wait 12 min;
        cancel: medium guide, needs a call" """
        halves = []
        for half, label in (("reach", "reach a human"), ("cancel", "cancel")):
            values = [p.value for p in self.parts if p.half == half]
            halves.append(f"{label}: {', '.join(values)}")
        return "; ".join(halves)


def grade(inputs):
    """The grade of a company with these inputs (pure: no database, no clock).

    Not graded yet without a way to reach a human, or with too few reports on it to know
    how many get through and nothing known about cancelling.
    """
    if not inputs.human_channel:
        return Grade(inputs, None, None, (), "we know no way to reach a human there yet")
    if not inputs.enough_reports and not inputs.cancel_known:
        missing = (
            f"fewer than {settings.FEEDBACK_MIN_REPORTS_TO_SHOW} people have told us whether they got "
            "through, and we know nothing about cancelling yet"
        )
        return Grade(inputs, None, None, (), missing)
    parts = (
        Part("reach", "Menu steps", menu_text(inputs.menu_steps), menu_points(inputs.menu_steps)),
        Part("reach", "Got through", got_through_text(inputs), got_through_points(inputs)),
        Part("reach", "Wait", wait_text(inputs), wait_points(inputs.wait_minutes)),
        Part("cancel", "Cancel guide", difficulty_text(inputs.cancel_difficulty), difficulty_points(inputs.cancel_difficulty)),
        Part("cancel", "Needs a call", needs_call_text(inputs.cancel_needs_call), NEEDS_CALL_POINTS if inputs.cancel_needs_call is not False else 0),
    )  # fmt: skip
    score = 100 - sum(part.points_off for part in parts)
    return Grade(inputs, letter_for(score), score, parts)


def menu_points(steps):
    return min(steps * POINTS_PER_MENU_STEP, MOST_MENU_POINTS)


def got_through_points(inputs):
    if not inputs.enough_reports:
        return GOT_THROUGH_UNKNOWN_POINTS
    return next(points for least, points in GOT_THROUGH_POINTS if inputs.got_through_percent >= least)


def wait_points(minutes):
    if minutes is None:
        return WAIT_UNKNOWN_POINTS
    return next(points for most, points in WAIT_POINTS if most is None or minutes <= most)


def difficulty_points(difficulty):
    return DIFFICULTY_POINTS.get(difficulty, NO_GUIDE_POINTS)


def letter_for(score):
    return next(letter for least, letter in LETTERS if score >= least)


def menu_text(steps):
    return "no menu steps" if not steps else f"{steps} menu step{'s' if steps != 1 else ''}"


def got_through_text(inputs):
    if not inputs.reports:
        return "no reports yet"
    if not inputs.enough_reports:
        return f"too few reports yet ({inputs.reports})"
    return f"{inputs.got_through_percent}% of {inputs.reports} people got through"


def wait_text(inputs):
    if inputs.wait_minutes is None:
        return "wait not known"
    reported = " (reported)" if inputs.wait_reported else ""
    return f"{feedback.wait_label(inputs.human_channel)} {feedback.duration_label(inputs.wait_minutes)}{reported}"


def difficulty_text(difficulty):
    if difficulty not in DIFFICULTY_POINTS:
        return "no cancel guide"
    return f"{Guide.Difficulty(difficulty).label.lower()} guide"


def needs_call_text(needs_call):
    if needs_call is None:
        return "no way to cancel listed"
    return "needs a call" if needs_call else "can cancel online"


# Gathering the inputs ------------------------------------------------------------

GRADE_BATCH = 500
# What inputs_for() reads of a channel; the rest (hours, notes) is not worth decoding.
GRADE_CHANNEL_FIELDS = (
    "pk", "company_id", "kind", "department", "status", "reaches_human", "human_rank", "ivr_steps", "typical_wait_minutes",
)  # fmt: skip


def inputs_for(company, summaries):
    """GradeInputs of a company loaded by `_companies()`, with `summaries` of its channels."""
    best = company.best_channel
    if best is None:
        human = {}
    else:
        summary = summaries.get(best.pk, feedback.ChannelSummary(0, 0, None))
        minutes, reported = feedback.typical_wait(best, summary)
        human = {
            "human_channel": best.kind,
            "menu_steps": sum(1 for step in best.ivr_steps if step["action"] in ("press", "say")),
            "reports": summary.reports,
            "reached": summary.reached,
            "wait_minutes": minutes,
            "wait_reported": reported,
        }
    guides = sorted(company.cancel_guides, key=lambda g: (CANCEL_GUIDE_KINDS.index(g.kind), g.pk))
    guide = guides[0] if guides else None
    ways = [c for c in guide.channels.all() if c.status == ContactChannel.Status.ACTIVE] if guide else []
    if not ways:
        ways = [c for c in company.active_channels if c.department in CANCEL_DEPARTMENTS]
    return GradeInputs(
        **human,
        cancel_difficulty=guide.difficulty if guide else "",
        cancel_needs_call=not any(c.kind in ONLINE_KINDS for c in ways) if ways else None,
    )


def _companies():
    """Companies with what their grade needs, in four queries per batch."""
    channels = ContactChannel.objects.active().order_by("human_rank", "id").only(*GRADE_CHANNEL_FIELDS)
    cancel_guides = (
        Guide.objects.published()
        .filter(kind__in=CANCEL_GUIDE_KINDS)
        .only("pk", "company_id", "kind", "difficulty")
        .prefetch_related(Prefetch("channels", queryset=ContactChannel.objects.only("pk", "kind", "status")))
    )
    return (
        Company.objects.only("pk", "grade", "grade_inputs")
        .prefetch_related(
            Prefetch("channels", queryset=channels),
            Prefetch("guides", queryset=cancel_guides, to_attr="cancel_guides"),
        )
        .order_by("pk")
    )


def _grade_batch(companies, now):
    """Grades these companies; writes those whose grade or inputs changed, in one UPDATE."""
    best_ids = [c.best_channel.pk for c in companies if c.best_channel is not None]
    summaries = feedback.summaries_for_channels(best_ids, now)
    changed = []
    for company in companies:
        inputs = inputs_for(company, summaries)
        letter, stored = grade(inputs).letter or "", asdict(inputs)
        if (company.grade, company.grade_inputs) != (letter, stored):
            company.grade, company.grade_inputs = letter, stored
            changed.append(company)
    Company.objects.bulk_update(changed, ["grade", "grade_inputs"])
    return [c.pk for c in changed]


def grade_companies(company_ids=None, now=None, batch_size=GRADE_BATCH):
    """Grades the companies `company_ids` (every company when None), a batch at a time; stores
    each changed grade with its inputs and announces them with `grades_changed`. Returns how
    many changed.

    One company is graded with its row locked: two reports saved at once are graded in
    turn, and the second reads both. Many are graded without locks, which would make a
    set-wise writer (an import, the view counts) wait or deadlock; the daily sweep mends
    what a race left behind.
    """
    now = now or timezone.now()
    lock = company_ids is not None and len(set(company_ids)) == 1
    changed = []
    for ids in _id_batches(company_ids, batch_size):
        with transaction.atomic():
            companies = _companies().filter(pk__in=ids)
            if lock:
                companies = companies.select_for_update(of=("self",))
            changed += _grade_batch(list(companies), now)
    if changed:
        grades_changed.send(sender=Company, company_ids=changed)
    log.info("grade_companies: %d grades changed", len(changed))
    return len(changed)


def _id_batches(company_ids, batch_size):
    """The company ids in batches of `batch_size`, in order; every company's when None."""
    if company_ids is not None:
        ids = sorted(set(company_ids))
        yield from (ids[start : start + batch_size] for start in range(0, len(ids), batch_size))
        return
    after = 0
    while True:
        ids = list(
            Company.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        if len(ids) < batch_size:
            return
        after = ids[-1]


def for_company(company):
    """The grade stored on a company, with the points of each input, for its page."""
    return grade(GradeInputs.from_stored(company.grade_inputs))


# The "how we grade" page -----------------------------------------------------------


def rules():
    """The formula as rows for the page: [(half, its points, [(input, [(when, points off)])])]."""
    steps = MOST_MENU_POINTS // POINTS_PER_MENU_STEP
    menu = [(menu_text(n), menu_points(n)) for n in range(steps)]
    menu.append((f"{steps} menu steps or more", MOST_MENU_POINTS))
    got_through = [(f"{least}% or more", points) for least, points in GOT_THROUGH_POINTS[:-1]]
    got_through.append((f"under {GOT_THROUGH_POINTS[-2][0]}%", GOT_THROUGH_POINTS[-1][1]))
    got_through.append(
        (f"fewer than {settings.FEEDBACK_MIN_REPORTS_TO_SHOW} reports", GOT_THROUGH_UNKNOWN_POINTS)
    )
    waits, shorter = [], 0
    for most, points in WAIT_POINTS:
        if most is None:
            waits.append((f"over {shorter} min", points))
        else:
            waits.append((f"{shorter + 1}–{most} min" if shorter else f"up to {most} min", points))
            shorter = most
    waits.append(("not known", WAIT_UNKNOWN_POINTS))
    difficulty = [(difficulty_text(d), points) for d, points in DIFFICULTY_POINTS.items()]
    difficulty.append((difficulty_text(""), NO_GUIDE_POINTS))
    needs_call = [
        ("needs a call: no way to cancel online", NEEDS_CALL_POINTS),
        (needs_call_text(None), NEEDS_CALL_POINTS),
        (needs_call_text(False), 0),
    ]
    window = settings.FEEDBACK_WINDOW_DAYS
    return [
        ("Reach a human", REACH_POINTS, [
            ("Menu steps before a person, on the best channel", menu),
            (f"People who got through, last {window} days", got_through),
            ("Typical wait", waits),
        ]),
        ("Cancel", CANCEL_POINTS, [("The cancel guide", difficulty), ("Cancelling needs a call", needs_call)]),
    ]  # fmt: skip


def letter_rows():
    """[(letter, "85–100")] from LETTERS."""
    rows, top = [], 100
    for least, letter in LETTERS:
        rows.append((letter, f"{least}–{top}"))
        top = least - 1
    return rows


EXAMPLES = (
    ("A direct line that answers", GradeInputs(human_channel="phone", menu_steps=0, reports=40, reached=38, wait_minutes=4, wait_reported=True, cancel_difficulty="easy", cancel_needs_call=False)),
    ("A phone menu and a call to cancel", GradeInputs(human_channel="phone", menu_steps=2, reports=20, reached=17, wait_minutes=12, cancel_difficulty="medium", cancel_needs_call=True)),
    ("Hard to reach, harder to leave", GradeInputs(human_channel="phone", menu_steps=5, reports=30, reached=12, wait_minutes=45, wait_reported=True, cancel_difficulty="hard", cancel_needs_call=True)),
    ("Too little data", GradeInputs(human_channel="chat", reports=2, reached=2, wait_minutes=3)),
)  # fmt: skip


def worked_examples():
    return [(title, grade(inputs)) for title, inputs in EXAMPLES]
