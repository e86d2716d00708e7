from django.urls import path

from . import views_partner, views_referrer, views_triage

urlpatterns = [
    # Referring organisations
    path("referrals/", views_referrer.my_referrals, name="my-referrals"),
    path("referrals/new/", views_referrer.start, name="referral-start"),
    path("referrals/<int:pk>/edit/<slug:step>/", views_referrer.step, name="referral-step"),
    path("referrals/<int:pk>/check/", views_referrer.check_answers, name="referral-check"),
    path("referrals/<int:pk>/delete/", views_referrer.delete_draft, name="referral-delete"),
    path("referrals/<int:pk>/submitted/", views_referrer.confirmation, name="referral-confirmation"),
    path("referrals/<int:pk>/", views_referrer.detail, name="referral-detail"),
    path("referrals/<int:pk>/print/", views_referrer.print_referral, name="referral-print"),
    path("referrals/<int:pk>/answer/", views_referrer.answer, name="referral-answer"),
    # VRU triage
    path("triage/", views_triage.queue, name="triage-queue"),
    path("triage/next/", views_triage.take_next, name="triage-next"),
    path("triage/late-partners/", views_triage.late_partners, name="triage-late-partners"),
    path("triage/<int:pk>/", views_triage.referral, name="triage-referral"),
    path("triage/<int:pk>/claim/", views_triage.claim, name="triage-claim"),
    path("triage/<int:pk>/release/", views_triage.release, name="triage-release"),
    path("triage/<int:pk>/decide/", views_triage.decide, name="triage-decide"),
    path("triage/<int:pk>/close/", views_triage.close, name="triage-close"),
    path("triage/matches/<int:pk>/<str:verdict>/", views_triage.resolve_match, name="triage-match"),
    path("triage/events/<int:pk>/correct/", views_triage.correct, name="triage-correct"),
    # Partners receiving allocations
    path("allocations/", views_partner.allocations, name="allocations"),
    path("allocations/<int:pk>/", views_partner.allocation, name="allocation-detail"),
    path("allocations/<int:pk>/accept/", views_partner.accept, name="allocation-accept"),
    path("allocations/<int:pk>/hand-back/", views_partner.hand_back, name="allocation-hand-back"),
    path("allocations/<int:pk>/first-contact/", views_partner.first_contact, name="allocation-first-contact"),
]
