from django.urls import path

from labparcours import account_views

urlpatterns = [
    path("invitation/<str:token>/", account_views.accept_invitation, name="invitation_accept"),
    path("jetons/", account_views.api_tokens, name="api_tokens"),
    path("jetons/<int:pk>/revoquer/", account_views.api_token_revoke, name="api_token_revoke"),
]
