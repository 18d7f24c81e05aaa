from django.urls import path

from contactpoints import staff_views as views
from contactpoints import upkeep_views as upkeep

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/slipp-varsel/", views.release_notices, name="release_notices"),
    path("<slug:slug>/rediger/", views.edit, name="edit"),
    path("<slug:slug>/rom/", views.rooms, name="rooms"),
    path("<slug:slug>/rom/<int:pk>/", views.room, name="room"),
    path("<slug:slug>/ny-gruppe/", views.start_group, name="start_group"),
    path("<slug:slug>/grupper/<int:pk>/", views.group, name="group"),
    path("<slug:slug>/melding/", views.message, name="message"),
    path("<slug:slug>/kom-i-gang/", upkeep.checklist, name="checklist"),
    path("<slug:slug>/bekreft-opplysninger/", upkeep.confirm_details, name="confirm_details"),
    path("<slug:slug>/pause/", upkeep.pause, name="pause"),
    path("<slug:slug>/legg-ned/", upkeep.close, name="close"),
    path("<slug:slug>/kolleger/", upkeep.colleagues, name="colleagues"),
]
