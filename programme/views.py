from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from labparcours.http import AuthenticatedHttpRequest
from labparcours.permissions import is_programme_management, require
from patients.selectors import programme_overview


@login_required
def programme_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Programme management's home: the programme in figures."""
    require(is_programme_management(request.user))
    return render(request, "programme/programme_home.html", programme_overview())
