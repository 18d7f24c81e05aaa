from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailjet import MailjetTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.contrib import admin
from django.urls import include, path

from contactpoints import views as public
from groups import views as person
from selvhjelp import health
from selvhjelp import views as selvhjelp_views
from selvhjelp.views import webhook

handler400 = "selvhjelp.views.bad_request"
handler403 = "selvhjelp.views.permission_denied"
handler404 = "selvhjelp.views.not_found"
handler500 = "selvhjelp.views.server_error"

urlpatterns = [
    path("", public.home, name="home"),
    path("personvern/", public.privacy, name="privacy"),
    path("tilgjengelighet/", public.accessibility, name="accessibility"),
    path("kontaktpunkter/", public.directory, name="directory"),
    path("kontaktpunkter/<slug:slug>/", public.contact_point, name="contact_point"),
    path("kontaktpunkter/<slug:slug>/meld-interesse/", person.signup, name="signup"),
    path("kontaktpunkter/<slug:slug>/sjekk-e-posten/", person.signup_sent, name="signup_sent"),
    path("p/<str:token>/", person.signup_page, name="signup_page"),
    path("trukket/", person.withdrawn, name="withdrawn"),
    path("bli-kontaktpunkt/", public.become_contact_point, name="become_contact_point"),
    path("bli-kontaktpunkt/sendt/", public.application_sent, name="application_sent"),
    path("ansatt/", include("contactpoints.staff_urls")),
    path("kontor/", include("figures.urls")),
    # Posters, cards, materials and the getting-started guide, under the paths above.
    path("", include("materials.urls")),
    path("", include("accounts.urls")),
    path("innlogget/", selvhjelp_views.after_login, name="after_login"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Bounce and complaint reports from the mail provider (shared secret:
    # ANYMAIL_WEBHOOK_SECRET). Only tracking: the app receives no mail.
    path("anymail/brevo/tracking/", webhook(BrevoTrackingWebhookView), name="brevo_tracking"),
    path("anymail/mailjet/tracking/", webhook(MailjetTrackingWebhookView), name="mailjet_tracking"),
    path("anymail/postmark/tracking/", webhook(PostmarkTrackingWebhookView), name="postmark_tracking"),
    path("admin/", admin.site.urls),
    # For load balancers and orchestrators: is the process up; can it serve.
    path("helse/", health.health, name="health"),
    path("helse/live/", health.liveness, name="liveness"),
]
