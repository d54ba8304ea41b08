from django.contrib import admin

from .models import Watch


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "created", "notified_until")
    raw_id_fields = ("user", "company")
    search_fields = ("user__username", "company__name")
