from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import Profile, can_publish
from core.models import TimeStamped
from directory.models import Company, ContactChannel

from .corrections import describe_changes
from .merge import merge_content
from .querysets import GuideQuerySet, RevisionQuerySet
from .signals import correction_applied


class GuideKind(models.TextChoices):
    REACH_HUMAN = "reach_human", "Reach a human"
    CANCEL = "cancel", "Cancel"
    DISPUTE_CHARGE = "dispute_charge", "Dispute a charge"
    COMPLAIN = "complain", "Complain"
    CLOSE_ACCOUNT = "close_account", "Close an account"
    OTHER = "other", "Other"


# The guides that say how to stop paying, the one named first preferred (the Cancel box, the grade).
CANCEL_GUIDE_KINDS = (GuideKind.CANCEL, GuideKind.CLOSE_ACCOUNT)


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"
    IMPOSSIBLE = "impossible", "Impossible"


class Guide(TimeStamped):
    Kind = GuideKind
    Difficulty = Difficulty

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="guides")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    channels = models.ManyToManyField(ContactChannel, blank=True, related_name="guides")
    is_published = models.BooleanField(default=True)
    current_revision = models.OneToOneField(
        "GuideRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The approved revision the guide shows.",
    )  # fmt: skip
    last_verified_at = models.DateTimeField(null=True, blank=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["company", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["company", "slug"], name="guide_unique_slug_per_company"),
            models.CheckConstraint(condition=Q(kind__in=GuideKind.values), name="guide_kind_valid"),
            models.CheckConstraint(
                condition=Q(difficulty__in=Difficulty.values),
                name="guide_difficulty_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:detail", args=[self.company.slug, self.slug])

    # Editing -----------------------------------------------------------------

    CONTENT_FIELDS = ("title", "body", "difficulty", "estimated_minutes")

    def latest_revision(self):
        return self.revisions.order_by("-revision_number").first()

    def pending_revisions(self):
        return self.revisions.filter(status=GuideRevision.Status.PENDING).select_related("author")

    def starting_revision(self, user, continue_number=None):
        """The revision an editor's form starts from.

        The published one, never someone else's pending text; the editor's own pending
        revision when they ask to continue it (`continue_number`). A guide not yet
        published starts from the latest revision (its author's, or for a reviewer).
        """
        own = self.pending_revisions().filter(author=user.pk) if user.is_authenticated else None
        if continue_number is not None and own is not None:
            continued = own.filter(revision_number=continue_number).first()
            if continued:
                return continued
        if self.current_revision or self.is_published:
            return self.current_revision  # None: a published guide without revisions starts from its own text
        if own is not None and own.exists():
            return own.order_by("-revision_number").first()
        return self.pending_revisions().order_by("-revision_number").first() if can_publish(user) else None

    def preview_for(self, user):
        """What a guide that is not on the site shows its authors and reviewers.

        A retired guide: its last published text. A new one: the latest pending
        revision they may read. Never a rejected or replaced revision.
        """
        if self.current_revision:
            return self.current_revision
        pending = self.revisions.visible_to(user).filter(status=GuideRevision.Status.PENDING)
        return pending.order_by("-revision_number").first() or self

    def is_visible_to(self, user):
        """Published guides are public; a pending one shows to its authors and reviewers."""
        if self.is_published:
            return True
        return user.is_authenticated and (can_publish(user) or self.revisions.filter(author=user).exists())

    def save_revision(
        self, author, content, summary="", base_revision_number=None, ip_hash="", publish=False
    ):
        """Adds a revision with the full content, built on the revision the editor started from.

        `base_revision_number` names that revision: the published one, or the editor's
        own pending one (None: the published one). If another revision was published
        since, the editor's changes are merged onto it three ways; overlapping changes
        raise EditConflict with the merged draft. The guide row is locked, so two
        editors saving at once are merged in turn. Saving publishes only with
        publish=True (an editor who may publish); otherwise the revision waits.
        """
        with transaction.atomic():
            guide = Guide.objects.select_for_update().get(pk=self.pk)
            published = guide.current_revision
            base = published
            if base_revision_number is not None:
                base = guide.revisions.filter(revision_number=base_revision_number).first()
                # 0: the editor started from the guide's own text, before anything was published as a revision.
                first_edit = base_revision_number == 0 and published is None
                # An edit builds on published text or on its author's own pending edit, nothing else.
                if not first_edit and (
                    base is None or not (base.was_published or base.is_pending_by(author))
                ):
                    raise EditConflict(published)
            continued = base if base is not None and base.is_pending_by(author) else None
            tree = guide.revision_tree() if published and base != published else None
            if tree and not tree.descends(base, published):
                merge = tree.merge(content, base, published)
                if not merge.clean:
                    raise EditConflict(published, merge)
                content, base = merge.content, published
            revision = guide.add_revision(content, base, author=author, summary=summary, ip_hash=ip_hash)
            if continued:
                continued.supersede(revision)
            if publish:
                revision.approve(author)
            return revision

    def add_revision(self, content, parent, **details):
        """A new revision numbered after the latest; call with the guide row locked."""
        latest = self.latest_revision()
        return GuideRevision.objects.create(
            guide=self,
            revision_number=(latest.revision_number + 1) if latest else 1,
            previous_revision=parent,
            channel_ids=sorted(content.get("channel_ids") or []),
            **{field: content[field] for field in self.CONTENT_FIELDS},
            **details,
        )

    def record_revision_of_current_text(self, author, summary):
        """Saves the guide's own fields as a revision when they differ from its published revision."""
        content = {field: getattr(self, field) for field in self.CONTENT_FIELDS}
        content["channel_ids"] = sorted(self.channels.values_list("pk", flat=True)) if self.pk else []
        published = self.current_revision
        if published is None or published.content() != content:
            self.save_revision(author, content, summary, publish=self.is_published)

    def revision_tree(self):
        return RevisionTree(self)

    def publish(self, revision):
        """Shows `revision` from now on; call with the guide row locked.

        A guide's first publication puts it on the site; a retired guide stays off it
        (its text is kept up to date) until an admin brings it back.
        """
        first = self.current_revision_id is None
        for field in Guide.CONTENT_FIELDS:
            setattr(self, field, getattr(revision, field))
        self.current_revision = revision
        self.is_published = self.is_published or first
        GuideRevision.objects.filter(pk=revision.pk).update(was_published=True)
        revision.was_published = True
        self.save(update_fields=[*Guide.CONTENT_FIELDS, "current_revision", "is_published", "modified"])
        self.channels.set(self.company.channels.filter(pk__in=revision.channel_ids))


class RevisionTree:
    """A guide's revisions as a tree: each revision's parent is the one its editor started from."""

    def __init__(self, guide):
        self.parents = dict(guide.revisions.values_list("pk", "previous_revision_id"))

    def ancestors(self, revision):
        """The revision's pk and its ancestors' pks, nearest first."""
        chain, pk = [], revision.pk if revision else None
        while pk is not None and pk not in chain:
            chain.append(pk)
            pk = self.parents.get(pk)
        return chain

    def descends(self, revision, ancestor):
        """True when `revision` is `ancestor` or was built on it."""
        return ancestor.pk in self.ancestors(revision)

    def merge(self, content, base, published):
        """Merges `content` (built on `base`) onto `published`, from their nearest common revision."""
        on_published = set(self.ancestors(published))
        common = next((pk for pk in self.ancestors(base) if pk in on_published), None)
        common_content = GuideRevision.objects.get(pk=common).content() if common else {}
        return merge_content(common_content, content, published.content())


class EditConflict(Exception):
    """An edit overlaps with what was published since its editor started; `merge` holds the draft."""

    def __init__(self, published, merge=None):
        number = published.revision_number if published else None
        super().__init__(f"the guide changed since the edit started (published: revision {number})")
        self.latest = published
        self.merge = merge


class GuideRevision(models.Model):
    """One saved version of a guide: who, when, why, and the full content."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Published"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Replaced by a later edit"

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="revisions")
    revision_number = models.PositiveIntegerField()
    previous_revision = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="guide_revisions"
    )
    summary = models.CharField(max_length=200, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices)
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    channel_ids = models.JSONField(default=list, blank=True, help_text="The channels the guide uses.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(
        max_length=500, blank=True, help_text="The reviewer's note for the author."
    )
    was_published = models.BooleanField(
        default=False, help_text="Readers were shown this text at some point."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-revision_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "revision_number"], name="revision_unique_number_per_guide"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "superseded"]),
                name="revision_status_valid",
            ),
        ]
        indexes = [
            # The pending queue lists what waits, oldest first.
            models.Index(fields=["status", "created"], name="revision_pending_queue"),
            # The API's changes feed reads what was published in the order it went live.
            models.Index(
                fields=["reviewed_at", "id"], condition=Q(was_published=True), name="revision_published_order"
            ),
        ]

    def __str__(self):
        return f"{self.guide} r{self.revision_number}"

    def approve(self, reviewer):
        """Publishes this revision's changes onto what is published now, in one transaction.

        Returns what happened: "published" (it was built on the published text),
        "merged" (something else was published since; both are merged into a new
        published revision), "included" (the published text already contains it),
        or None when someone else reviewed it first. Overlapping changes raise
        EditConflict and change nothing. Nothing published is dropped or rolled back.
        """
        from django.utils import timezone

        with transaction.atomic():
            guide = Guide.objects.select_for_update().get(pk=self.guide_id)
            revision = GuideRevision.objects.select_for_update().get(pk=self.pk)
            if revision.status != self.Status.PENDING:
                return None  # another reviewer got there first
            published, tree = guide.current_revision, guide.revision_tree()
            outcome, note = "published", ""
            if published and tree.descends(published, revision):
                outcome, note = "included", f"Already part of published revision {published.revision_number}."
            elif published and not tree.descends(revision, published):
                merge = tree.merge(revision.content(), revision, published)
                if not merge.clean:
                    raise EditConflict(published, merge)
                merged = guide.add_revision(
                    merge.content, published, author=revision.author, status=self.Status.APPROVED,
                    summary=f"Revision {revision.revision_number} merged with revision {published.revision_number}",
                    reviewed_by=reviewer, reviewed_at=timezone.now(),
                )  # fmt: skip
                guide.publish(merged)
                outcome, note = "merged", f"Merged into revision {merged.revision_number}."
            else:
                guide.publish(revision)
            GuideRevision.objects.filter(pk=self.pk).update(
                status=self.Status.APPROVED,
                reviewed_by=reviewer,
                reviewed_at=timezone.now(),
                review_note=note,
            )
            self.refresh_from_db()
        return outcome

    def is_pending_by(self, user):
        return self.status == self.Status.PENDING and user is not None and self.author_id == user.pk

    def supersede(self, replacement):
        """The author continued this pending edit in `replacement`: only that one is reviewed now."""
        GuideRevision.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
            status=self.Status.SUPERSEDED, review_note=f"Continued in revision {replacement.revision_number}."
        )

    def mark_merged(self, reviewer, merged):
        """Approves this pending revision as merged by hand into `merged`, by someone other than its author."""
        from django.utils import timezone

        GuideRevision.objects.filter(pk=self.pk, status=self.Status.PENDING).exclude(author=reviewer).update(
            status=self.Status.APPROVED, reviewed_by=reviewer, reviewed_at=timezone.now(),
            review_note=f"Merged by hand into revision {merged.revision_number}.",
        )  # fmt: skip

    def reject(self, reviewer, note=""):
        """Rejects this revision, with the reviewer's note for its author; False if already reviewed."""
        from django.utils import timezone

        return bool(
            GuideRevision.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
                status=self.Status.REJECTED,
                reviewed_by=reviewer,
                reviewed_at=timezone.now(),
                review_note=note,
            )
        )

    def content(self):
        return {
            **{field: getattr(self, field) for field in Guide.CONTENT_FIELDS},
            "channel_ids": self.channel_ids,
        }


def promote_if_earned(user):
    """Makes an editor trusted once enough of their edits were accepted by someone else."""
    accepted = GuideRevision.objects.filter(author=user, status="approved").exclude(reviewed_by=user).count()
    if accepted >= settings.TRUSTED_EDITOR_THRESHOLD:
        Profile.objects.filter(user=user, role=Profile.Role.EDITOR).update(role=Profile.Role.TRUSTED)


class ChannelCorrection(TimeStamped):
    """A proposed change to a company's channels, applied atomically once approved."""

    class Action(models.TextChoices):
        FIX = "fix", "Fix this channel"
        ADD = "add", "Add a channel"
        RETIRE = "retire", "It no longer works"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Applied"
        REJECTED = "rejected", "Rejected"

    # The channel fields a correction may change.
    FIELDS = ("kind", "value", "social_platform", "department", "hours", "time_zone", "ivr_steps",
              "typical_wait_minutes", "notes", "label")  # fmt: skip

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="corrections")
    channel = models.ForeignKey(
        ContactChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    proposed = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    contact_email = models.EmailField(blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    flag_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The review-queue flag it answers."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(
        max_length=500, blank=True, help_text="The reviewer's note for the author."
    )

    class Meta:
        ordering = ["created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["fix", "add", "retire"]), name="correction_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]), name="correction_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(action="add") | Q(channel__isnull=False), name="correction_fix_has_channel"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.channel or self.company}"

    def review_rows(self):
        """[(field label, now, proposed)] in words, for each detail this correction changes."""
        if self.action == self.Action.RETIRE:
            return describe_changes({"status": ("active", "retired")})
        current = self.channel if self.channel_id else None
        return describe_changes(
            {
                field: (getattr(current, field, None) if current else None, value)
                for field, value in self.proposed.items()
            }
        )

    def proposed_text(self):
        """The proposed value and notes, where a new number, address or link would appear."""
        return " ".join(str(self.proposed.get(field, "")) for field in ("value", "notes"))

    def preview(self):
        """The channel as it would be after this correction (not saved)."""
        if self.action == self.Action.ADD:
            channel = ContactChannel(company=self.company)
        else:
            channel = ContactChannel.objects.get(pk=self.channel_id)
        if self.action == self.Action.RETIRE:
            channel.status = ContactChannel.Status.RETIRED
            channel.is_primary = False
        for field, value in self.proposed.items():
            setattr(channel, field, value)
        return channel

    def apply(self, reviewer):
        """Applies the correction in one transaction; returns False if someone else reviewed it first."""
        from django.utils import timezone

        with transaction.atomic():
            claimed = ChannelCorrection.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
                status=self.Status.APPROVED, reviewed_by=reviewer, reviewed_at=timezone.now()
            )
            if not claimed:
                return False
            if self.channel_id:
                ContactChannel.objects.select_for_update().filter(pk=self.channel_id).get()
            before = {} if self.action == self.Action.ADD else ChannelChange.snapshot(self.channel)
            channel = self.preview()
            channel.last_verified_at, channel.last_verified_by = timezone.now(), reviewer
            channel.full_clean()
            channel.save()
            if self.action == self.Action.ADD:
                ChannelCorrection.objects.filter(pk=self.pk).update(channel=channel)
            ChannelChange.objects.create(
                channel=channel,
                correction=self,
                author=self.author,
                reviewer=reviewer,
                changes=ChannelChange.difference(before, ChannelChange.snapshot(channel)),
                summary=self.reason[:200] or self.get_action_display(),
            )
            correction_applied.send(sender=ChannelCorrection, correction=self, reviewer=reviewer)
        return True

    def reject(self, reviewer, note=""):
        """Rejects this correction, with the reviewer's note for its author; False if already reviewed."""
        from django.utils import timezone

        return bool(
            ChannelCorrection.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
                status=self.Status.REJECTED,
                reviewed_by=reviewer,
                reviewed_at=timezone.now(),
                review_note=note,
            )
        )


class ChannelChange(models.Model):
    """One applied change to a channel, with who proposed and who approved it."""

    channel = models.ForeignKey(ContactChannel, on_delete=models.CASCADE, related_name="changes")
    correction = models.ForeignKey(ChannelCorrection, null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    summary = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # The API's changes feed reads applied changes in the order they were made.
            models.Index(fields=["created", "id"], name="channelchange_created")
        ]

    def __str__(self):
        return f"{self.channel_id}: {', '.join(self.changes)}"

    HISTORY_FIELDS = (*ChannelCorrection.FIELDS, "status")

    def readable_changes(self):
        """[(field label, before, after)] in words."""
        return describe_changes({field: tuple(pair) for field, pair in self.changes.items()})

    @classmethod
    def snapshot(cls, channel):
        return {field: getattr(channel, field) for field in cls.HISTORY_FIELDS}

    @staticmethod
    def difference(before, after):
        return {
            field: [before.get(field), value] for field, value in after.items() if before.get(field) != value
        }
