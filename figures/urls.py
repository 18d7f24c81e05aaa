from django.urls import path

from contactpoints import office_views
from figures import views

app_name = "figures"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.office, name="office"),
    path("<slug:slug>/<slug:table>.csv", views.office_csv, name="csv"),
    path("<slug:slug>/soknader/", office_views.applications, name="applications"),
    path("<slug:slug>/soknader/<int:pk>/", office_views.application, name="application"),
]
