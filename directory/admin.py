from django.contrib import admin

from .models import Category, Company, CompanySuggestion, ContactChannel


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ContactChannelInline(admin.StackedInline):
    model = ContactChannel
    extra = 0
    fields = [
        ("kind", "department", "status"),
        ("value", "social_platform", "label"),
        ("country", "region", "time_zone"),
        ("reaches_human", "is_primary", "human_rank", "open_24_7"),
        "hours",
        "ivr_steps",
        ("typical_wait_minutes", "last_verified_at"),
        ("source_url", "source_seen_at"),
        "notes",
    ]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "website",
        "no_phone_support",
        "grade",
        "view_count",
        "modified",
    ]
    list_filter = ["category", "no_phone_support", "grade"]
    search_fields = ["name", "slug", "aliases", "website"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    inlines = [ContactChannelInline]


@admin.register(ContactChannel)
class ContactChannelAdmin(admin.ModelAdmin):
    list_display = [
        "company",
        "kind",
        "value",
        "department",
        "status",
        "human_rank",
        "last_verified_at",
    ]
    list_filter = ["kind", "department", "status", "reaches_human", "country"]
    search_fields = ["company__name", "value", "label", "notes"]
    list_select_related = ["company"]
    raw_id_fields = ["company"]
    date_hierarchy = "last_verified_at"


@admin.register(CompanySuggestion)
class CompanySuggestionAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "status", "created"]
    list_filter = ["status"]
    search_fields = ["name", "website", "details"]
    readonly_fields = ["ip_hash"]
