from django.contrib import admin

from .models import ChannelChange, ChannelCorrection, Guide, GuideRevision


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "company",
        "kind",
        "difficulty",
        "is_published",
        "modified",
    ]
    list_filter = ["kind", "difficulty", "is_published"]
    search_fields = ["title", "company__name", "body"]
    list_select_related = ["company"]
    filter_horizontal = ["channels"]
    raw_id_fields = ["company", "current_revision"]

    def save_related(self, request, form, formsets, change):
        """A guide written or changed here gets a revision like any other edit, so history and conflicts hold."""
        super().save_related(request, form, formsets, change)
        form.instance.record_revision_of_current_text(request.user, "Edited in the admin")


@admin.register(GuideRevision)
class GuideRevisionAdmin(admin.ModelAdmin):
    list_display = ["guide", "revision_number", "author", "status", "reviewed_by", "created"]
    list_filter = ["status"]
    search_fields = ["guide__title", "author__username", "summary"]
    raw_id_fields = ["guide", "previous_revision", "author", "reviewed_by"]


@admin.register(ChannelCorrection)
class ChannelCorrectionAdmin(admin.ModelAdmin):
    list_display = ["company", "action", "channel", "author", "status", "created"]
    list_filter = ["status", "action"]
    search_fields = ["company__name", "reason"]
    raw_id_fields = ["company", "channel", "author", "reviewed_by"]


@admin.register(ChannelChange)
class ChannelChangeAdmin(admin.ModelAdmin):
    list_display = ["channel", "author", "reviewer", "summary", "created"]
    search_fields = ["channel__company__name", "summary"]
    raw_id_fields = ["channel", "correction", "author", "reviewer"]
