from django.urls import path

from programme import views

urlpatterns = [
    path("gestion/", views.programme_home, name="programme_home"),
]
