from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the apps and released from the outbox page."""

    list_display = ("subject", "recipient", "kind", "state", "created_at", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("subject", "recipient__username", "to_address")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
