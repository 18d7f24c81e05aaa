from django.urls import path

from figures import applications, languages, views

app_name = "figures"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.office, name="office"),
    path("<slug:slug>/<slug:table>.csv", views.office_csv, name="csv"),
    path("<slug:slug>/soknader/", applications.applications, name="applications"),
    path("<slug:slug>/soknader/<int:pk>/", applications.application, name="application"),
    path("<slug:slug>/sprak/", languages.languages, name="languages"),
    path("<slug:slug>/sprak/<slug:code>/", languages.language, name="language"),
]
