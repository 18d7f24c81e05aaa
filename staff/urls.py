from django.urls import path

from staff.views import changing, colleagues, dashboard, forming, messages, pausing_and_closing, public_page

app_name = "staff"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/venter/", dashboard.waiting, name="waiting"),
    path("<slug:slug>/slipp-varsel/", dashboard.release_notices, name="release_notices"),
    path("<slug:slug>/rediger/", public_page.edit, name="edit"),
    path("<slug:slug>/rom/", public_page.rooms, name="rooms"),
    path("<slug:slug>/rom/<int:pk>/", public_page.room, name="room"),
    path("<slug:slug>/kom-i-gang/", public_page.checklist, name="checklist"),
    path("<slug:slug>/bekreft-opplysninger/", public_page.confirm_details, name="confirm_details"),
    path("<slug:slug>/ny-gruppe/", forming.start_group, name="start_group"),
    path("<slug:slug>/grupper/<int:pk>/", forming.group, name="group"),
    path("<slug:slug>/grupper/<int:pk>/endre/", changing.change_group, name="change_group"),
    path("<slug:slug>/grupper/<int:pk>/avlys/", changing.cancel_group, name="cancel_group"),
    path("<slug:slug>/grupper/<int:pk>/har-motts/", changing.has_met, name="has_met"),
    path("<slug:slug>/melding/", messages.message, name="message"),
    path("<slug:slug>/pause/", pausing_and_closing.pause, name="pause"),
    path("<slug:slug>/legg-ned/", pausing_and_closing.close, name="close"),
    path("<slug:slug>/kolleger/", colleagues.colleagues, name="colleagues"),
]
