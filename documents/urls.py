from django.urls import path

from . import views

urlpatterns = [
    path("<str:on>/<int:pk>/documents/new/", views.add_document, name="document-add"),
    path("<str:on>/<int:pk>/notes/new/", views.add_note, name="note-add"),
    path("documents/<int:pk>/", views.download, name="document-download"),
    path("documents/<int:pk>/new-version/", views.replace_document, name="document-replace"),
    path("notes/<int:pk>/amend/", views.amend_note, name="note-amend"),
]
