from django.contrib.auth import views as auth
from django.urls import path
from django.views.generic import RedirectView

from accounts import views

urlpatterns = [
    path("logg-inn/", views.sign_in, name="login"),
    path("logg-inn/kode/", views.sign_in_code, name="sign_in_code"),
    path("logg-inn/kodeapp/", views.set_up_code_app, name="set_up_code_app"),
    path("logg-inn/reservekoder/", views.recovery_codes, name="recovery_codes"),
    path("logg-ut/", auth.LogoutView.as_view(), name="logout"),
    path("passord/glemt/", views.forgot_password, name="forgot_password"),
    path("passord/glemt/sendt/", views.forgot_password_sent, name="forgot_password_sent"),
    path("passord/<str:uidb64>/<str:token>/", views.set_password, name="set_password"),
    # The admin signs in through the same two steps as everyone else.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin_login"),
]
