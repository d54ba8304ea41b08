from django.contrib import admin

from directory.admin import ContactChannelAdmin
from directory.models import ContactChannel

from .models import ChannelReport, Flag, LinkCheck, SweepMark


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "status", "created", "resolved_by", "resolved_at"]
    list_filter = ["status", "reason"]
    search_fields = ["channel__company__name", "guide__title", "note"]
    raw_id_fields = ["channel", "guide", "resolved_by"]


@admin.register(ChannelReport)
class ChannelReportAdmin(admin.ModelAdmin):
    list_display = ["channel", "worked", "reason", "minutes_waited", "day", "weight"]
    list_filter = ["worked", "reason", "weight", "day"]
    search_fields = ["channel__company__name", "channel__value"]
    raw_id_fields = ["channel"]


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    list_display = ["channel", "checked_at", "ok", "status_code", "error"]
    list_filter = ["ok"]
    search_fields = ["channel__value", "final_url", "error"]
    raw_id_fields = ["channel"]


class FlaggedChannelAdmin(ContactChannelAdmin):
    """The channel admin, opened from the review queue's "Edit" with ?flag=<id>."""

    def save_model(self, request, obj, form, change):
        """Saving a channel opened from the review queue resolves that flag as updated."""
        super().save_model(request, obj, form, change)
        flag_id = request.GET.get("flag", "")
        if change and flag_id.isdecimal():
            Flag.objects.filter(pk=int(flag_id), channel=obj).resolve(
                Flag.Status.UPDATED, request.user, "edited"
            )


# The directory's admin knows nothing of flags; the review queue's hook is added here.
admin.site.unregister(ContactChannel)
admin.site.register(ContactChannel, FlaggedChannelAdmin)


@admin.register(SweepMark)
class SweepMarkAdmin(admin.ModelAdmin):
    """Where the incremental sweeps go on from; delete one to make its sweep read everything again."""

    list_display = ["name", "reached"]
    search_fields = ["name"]
