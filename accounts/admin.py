from django.contrib import admin

from .models import Profile, RateCounter


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Admins grant the trusted-editor role here."""

    list_display = ["user", "role", "created"]
    list_filter = ["role"]
    list_editable = ["role"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    list_display = ["bucket", "window_start", "count"]
    search_fields = ["bucket"]
