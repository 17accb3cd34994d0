from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from labparcours.models import Role
from patients.selectors import programme_overview


@login_required
def programme_home(request: HttpRequest) -> HttpResponse:
    """Programme management's home: the programme in figures."""
    if request.user.role != Role.ADMIN:
        raise PermissionDenied
    return render(request, "programme/programme_home.html", programme_overview())
