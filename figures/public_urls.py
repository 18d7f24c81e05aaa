"""Self-help in figures, under /i-tall/: the public pages and the open files."""

from django.urls import path

from figures import in_figures

app_name = "in_figures"

urlpatterns = [
    path("", in_figures.in_figures, name="in_figures"),
    path("om/", in_figures.about, name="about"),
    path("skjema.json", in_figures.in_figures_schema, name="schema"),
    path("<int:year>/", in_figures.in_figures, name="year"),
    path("<int:year>.csv", in_figures.in_figures_csv, name="csv"),
    path("<int:year>-komma.csv", in_figures.in_figures_comma_csv, name="comma_csv"),
    path("<int:year>.json", in_figures.in_figures_json, name="json"),
]
