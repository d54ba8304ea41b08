from django.contrib import admin

from .models import ImportRun, Provenance


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The import log: what each run did and every rejection with its file, record, field and reason."""

    list_display = ["__str__", "source", "retrieved", "finished", "counts", "error"]
    list_filter = ["source"]
    search_fields = ["path", "error"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Provenance)
class ProvenanceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "channel", "licence", "retrieved", "vanished_at"]
    list_filter = ["source", "licence"]
    search_fields = ["record_id", "company__name"]
    raw_id_fields = ["company", "channel", "guide"]
