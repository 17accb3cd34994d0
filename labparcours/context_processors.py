from functools import cached_property
from typing import Any

from django.http import HttpRequest

from labparcours.roles import NAVIGATION


class Bell:
    """The unread count of the bell, read (in one query) only when a page shows it."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        from labparcours.models import Notification

        return Notification.objects.filter(user=self.user).unread().count()


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": NAVIGATION.get(user.role, []), "bell": Bell(user)}
