from django.contrib import admin

from .models import IndexChange


@admin.register(IndexChange)
class IndexChangeAdmin(admin.ModelAdmin):
    """The outbox of index changes: it should hold only the last moments' changes."""

    list_display = ["label", "object_id", "created"]
    search_fields = ["label"]
    date_hierarchy = "created"
