from django.urls import path

from threads import views

app_name = "threads"
urlpatterns = [
    path("patients/<uuid:pk>/fil/<slug:audience>/", views.thread_page, name="thread"),
    path("patients/<uuid:pk>/fil/<slug:audience>/ecrire/", views.post, name="post"),
    path("patients/<uuid:pk>/fil/<slug:audience>/nouveaux/", views.poll, name="poll"),
    path("patients/<uuid:pk>/fil/<slug:audience>/anciens/", views.older, name="older"),
    path("messages/<int:pk>/corriger/", views.edit, name="edit"),
    path("messages/<int:pk>/historique/", views.history, name="history"),
    path("messages/<int:pk>/sic/", views.pin, name="pin"),
    path("pieces-jointes/<int:pk>/", views.download, name="download"),
    path("pieces-jointes/<int:pk>/apercu/", views.thumbnail, name="thumbnail"),
    path("mes-messages/", views.mine, name="mine"),
]
