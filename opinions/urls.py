from django.urls import path

from opinions import views

app_name = "opinions"
urlpatterns = [
    path("patients/<uuid:pk>/avis/demander/", views.ask, name="ask"),
    path("avis/", views.inbox, name="inbox"),
    path("avis/en-attente/", views.open_list, name="open"),
    path("avis/<int:pk>/", views.detail, name="detail"),
    path("avis/<int:pk>/repondre/", views.answer, name="answer"),
    path("avis/<int:pk>/clore/", views.close, name="close"),
    path("avis/<int:pk>/sic/", views.pin, name="pin"),
    path("avis/pieces/<int:pk>/", views.attachment, name="attachment"),
]
