from django.contrib import admin

from .models import Guide


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
    raw_id_fields = ["company"]
    filter_horizontal = ["channels"]
