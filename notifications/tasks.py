"""Celery tasks of the notifications app: take primitive ids, load, call a service."""

from celery import shared_task

from .services import deliver_notification


@shared_task(name="notifications.send_notifications")
def send_notifications(notification_ids: list[int]) -> None:
    """Send queued messages, one by one (a failure marks that message, not the batch)."""
    for notification_id in notification_ids:
        deliver_notification(notification_id=notification_id)
