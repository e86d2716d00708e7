from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_admin

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="registration/password_reset_done.html"), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"), name="password_reset_complete"),
    path("organisation/", views.switch_organisation, name="switch-organisation"),
    path("audit/", views.audit_events, name="audit-events"),
    path("audit/export.csv", views.audit_events_csv, name="audit-events-csv"),
    # Administration: an organisation's administrator manages its people and API tokens
    path("people/", views_admin.people, name="people"),
    path("people/invite/", views_admin.invite, name="person-invite"),
    path("people/<int:pk>/", views_admin.person, name="person-detail"),
    path("people/<int:pk>/deactivate/", views_admin.deactivate_person, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views_admin.reactivate_person, name="person-reactivate"),
    path("people/<int:pk>/resend-invitation/", views_admin.resend_invitation, name="person-resend-invitation"),
    path("api-tokens/", views_admin.tokens, name="tokens"),
    path("api-tokens/new/", views_admin.new_token, name="token-new"),
    path("api-tokens/<int:pk>/revoke/", views_admin.revoke_token, name="token-revoke"),
    # The VRU's administrators add and deactivate organisations
    path("organisations/", views_admin.organisations, name="organisations"),
    path("organisations/new/", views_admin.new_organisation, name="organisation-new"),
    path("organisations/<int:pk>/deactivate/", views_admin.deactivate_organisation, name="organisation-deactivate"),
    path("organisations/<int:pk>/reactivate/", views_admin.reactivate_organisation, name="organisation-reactivate"),
    # The link in an invitation email: sets the invited person's first password
    path("invitation/<str:token>/", views_admin.accept_invitation, name="invitation-accept"),
]
