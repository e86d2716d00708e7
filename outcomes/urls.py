from django.urls import path

from . import views_case_start, views_cases, views_interventions
from . import views_programmes as programmes

urlpatterns = [
    # The lead agency's caseload and interventions
    path("caseload/", views_interventions.caseload, name="caseload"),
    path("interventions/<int:pk>/", views_interventions.intervention, name="intervention-detail"),
    path("interventions/<int:pk>/sessions/", views_interventions.record_session, name="intervention-session"),
    path("interventions/<int:pk>/assessments/", views_interventions.record_assessment, name="intervention-assessment"),
    path("interventions/<int:pk>/complete/", views_interventions.complete, name="intervention-complete"),
    path("interventions/<int:pk>/disengage/", views_interventions.disengage, name="intervention-disengage"),
    path("interventions/<int:pk>/withdraw/", views_interventions.withdraw, name="intervention-withdraw"),
    path("allocations/<int:pk>/start-work/", views_interventions.start_work, name="allocation-start-work"),
    path("sessions/<int:pk>/correct/", views_interventions.correct_session, name="session-correct"),
    # Diversion cases (Outcome 22 and Checkpoint)
    path("cases/", views_cases.cases, name="cases"),
    path("cases/new/", views_case_start.new_case, name="case-new"),
    path("cases/new/<uuid:journey>/<slug:step>/", views_case_start.step, name="case-start"),
    path("cases/<int:pk>/", views_cases.case, name="case-detail"),
    path("cases/<int:pk>/print/", views_cases.case_print, name="case-print"),
    path("cases/<int:pk>/propose-breach/", views_cases.propose_breach, name="case-propose-breach"),
    path("cases/<int:pk>/confirm-breach/", views_cases.confirm_breach, name="case-confirm-breach"),
    path("cases/<int:pk>/further-chance/", views_cases.further_chance, name="case-further-chance"),
    path("cases/<int:pk>/reoffence/", views_cases.reoffence, name="case-reoffence"),
    path("cases/<int:pk>/close/", views_cases.close, name="case-close"),
    path("cases/<int:pk>/receive/", views_cases.receive, name="case-receive"),
    path("cases/<int:pk>/outcome/", views_cases.record_outcome, name="case-outcome"),
    path("cases/<int:pk>/conditions/new/", views_cases.add_condition, name="case-condition-add"),
    path("conditions/<int:pk>/reason/", views_cases.condition_reason, name="condition-reason"),
    path("conditions/<int:pk>/met/", views_cases.condition_met, name="condition-met"),
    path("conditions/<int:pk>/missed/", views_cases.condition_missed, name="condition-missed"),
    path("returned-to-police/", views_cases.returned_to_police, name="returned-to-police"),
    # The programmes a partner runs (its administrators and managers)
    path("programmes/", programmes.programmes, name="programmes"),
    path("programmes/new/", programmes.new_programme, name="programme-new"),
    path("programmes/<int:pk>/deactivate/", programmes.deactivate_programme, name="programme-deactivate"),
    path("programmes/<int:pk>/reactivate/", programmes.reactivate_programme, name="programme-reactivate"),
]
