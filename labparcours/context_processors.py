from typing import Any

from django.http import HttpRequest

from labparcours.roles import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": NAVIGATION.get(user.role, [])}
