from typing import Any

from django.http import HttpRequest

from labparcours.permissions import acts_for_patient
from labparcours.roles import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation of the user's role, and the voice of the patient's pages: `as_caregiver`
    when a caregiver reads them for the patient (`acts_for_patient`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "as_caregiver": False}
    return {"nav_items": NAVIGATION.get(user.role, []), "as_caregiver": acts_for_patient(user)}
