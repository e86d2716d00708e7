from django.urls import path

from . import views

urlpatterns = [
    path("cohorts/", views.cohort_list, name="cohort-list"),
    path("cohorts/new/", views.cohort_new, name="cohort-new"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("cohorts/<int:pk>/add-member/", views.add_member, name="cohort-add-member"),
    path("cohort-members/<int:pk>/", views.member, name="cohort-member"),
    path("cohort-members/<int:pk>/tier/", views.change_tier, name="cohort-member-tier"),
    path("cohort-members/<int:pk>/remove/", views.remove, name="cohort-member-remove"),
    path("cohort-members/<int:pk>/review/", views.record_review, name="cohort-member-review"),
    path("cohort-members/<int:pk>/actions/new/", views.add_action, name="cohort-member-action"),
    path("cohort-actions/<int:pk>/status/", views.action_status, name="cohort-action-status"),
]
