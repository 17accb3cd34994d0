"""Account pages of our own: accepting an invitation, personal API tokens, the admin's
entrance."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labparcours.errors import DomainError
from labparcours.forms import ApiTokenForm, InvitationAcceptForm
from labparcours.http import AuthenticatedHttpRequest, posted
from labparcours.invitations import invitation_accept, invitation_for_token
from labparcours.models import ApiToken


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "labparcours/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(posted(request), invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome to Lab Parcours."))
            return redirect("home")
    return render(
        request, "labparcours/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(posted(request))
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "labparcours/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
            "token_days": settings.LABPARCOURS_API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ApiToken, user=request.user, pk=pk).revoke()
    messages.success(request, _("The token has been revoked."))
    return redirect("api_tokens")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Stands for the admin's own login form, which would skip two-factor and the login rate
    limits: the site's login comes first, then staff go on to the admin; anyone else signed
    in is refused."""
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    return redirect(target)
