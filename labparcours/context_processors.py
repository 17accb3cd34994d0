from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from labparcours.links import page
from labparcours.permissions import acts_for_patient
from labparcours.roles import NAVIGATION


@dataclass(frozen=True)
class NavLink:
    """An entry of the navigation as a page shows it: where it leads, and whether it is the
    page shown (its address made once per name, `labparcours.links`)."""

    label: str | Promise
    href: str
    icon: str
    current: bool


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation of the user's role, and the voice of the patient's pages: `as_caregiver`
    when a caregiver reads them for the patient (`acts_for_patient`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "as_caregiver": False}
    match = getattr(request, "resolver_match", None)
    shown = match.view_name if match is not None else None
    items = [
        NavLink(item.label, page(item.url_name), item.icon, item.url_name == shown)
        for item in NAVIGATION.get(user.role, [])
    ]
    return {"nav_items": items, "as_caregiver": acts_for_patient(user)}
