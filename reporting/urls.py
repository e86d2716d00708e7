from django.urls import path

from . import views

urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("figures/population/", views.population, name="figures-population"),
    path("figures/<slug:section>.csv", views.figures_csv, name="figures-csv"),
    # After figures/population/, which is not a section.
    path("figures/<slug:section>/", views.figures_section, name="figures-section"),
]
