from django.urls import path

from . import views, views_jobs, views_search

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views_search.find, name="search"),
    path("young-people/<int:pk>/", views.young_person, name="young-person"),
    path("young-people/<int:pk>/print/", views.young_person_print, name="young-person-print"),
    path("jobs/", views_jobs.job_list, name="jobs"),
    path("jobs/<slug:name>/run/", views_jobs.run_job, name="job-run"),
]
