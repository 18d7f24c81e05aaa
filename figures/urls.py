from django.urls import path

from figures import applications, views

app_name = "figures"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.office, name="office"),
    path("<slug:slug>/<slug:table>.csv", views.office_csv, name="csv"),
    path("<slug:slug>/soknader/", applications.applications, name="applications"),
    path("<slug:slug>/soknader/<int:pk>/", applications.application, name="application"),
]
