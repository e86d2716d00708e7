from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.open_notification, name="notification-open"),
    path("outbox/", views.outbox, name="outbox"),
    path("notifications/email-choices/", views.preferences, name="notification-preferences"),
]
