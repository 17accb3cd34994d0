from functools import cached_property
from typing import Any

from django.http import HttpRequest

from reminders.models import Notification


class Bell:
    """The unread count of the bell, read (in one query) only when a page shows it."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        return Notification.objects.filter(user=self.user).unread().count()


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
