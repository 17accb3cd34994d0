from django.urls import path

from reminders import views

urlpatterns = [
    path("compte/notifications/", views.notification_preferences, name="notification_preferences"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/lue/", views.notification_read, name="notification_read"),
    path("notifications/tout-lire/", views.notification_read_all, name="notifications_read_all"),
    path("patients/<uuid:pk>/relances/", views.patient_reminders, name="patient_reminders"),
    path("patients/<uuid:pk>/relances/envoyer/", views.reminder_send, name="reminder_send"),
]
