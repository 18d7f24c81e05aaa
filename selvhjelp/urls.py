from django.contrib import admin
from django.urls import include, path

from contactpoints import views as public
from groups.views import address_exchange, withdrawing
from groups.views import signing_up as person
from selvhjelp import health, language
from selvhjelp import views as selvhjelp_views

handler400 = "selvhjelp.views.bad_request"
handler403 = "selvhjelp.views.permission_denied"
handler404 = "selvhjelp.views.not_found"
handler500 = "selvhjelp.views.server_error"

urlpatterns = [
    path("", public.home, name="home"),
    path("personvern/", public.privacy, name="privacy"),
    path("tilgjengelighet/", public.accessibility, name="accessibility"),
    path("kontaktpunkter/", public.directory, name="directory"),
    # Before the contact points' pages: "varsle" is no contact point's short name.
    path("kontaktpunkter/varsle/", public.notice_ask, name="notice_ask"),
    path("kontaktpunkter/varsle/sjekk-e-posten/", public.notice_sent, name="notice_sent"),
    path("kontaktpunkter/varsle/fjernet/", public.notice_removed, name="notice_removed"),
    path("kontaktpunkter/<slug:slug>/", person.contact_point, name="contact_point"),
    path("kontaktpunkter/<slug:slug>/meld-interesse/", person.signup, name="signup"),
    path("kontaktpunkter/<slug:slug>/sjekk-e-posten/", person.signup_sent, name="signup_sent"),
    path("p/<str:token>/", person.signup_page, name="signup_page"),
    # What leaving does, asked first; under /p/ like every private link.
    path("p/<str:token>/trekk/", withdrawing.withdraw, name="withdraw"),
    # Leaving one of the person's other lists: the place is a contact point, the sign-up the same address's.
    path("p/<str:token>/trekk/<int:place>/", withdrawing.withdraw, name="withdraw_place"),
    # Under /p/ like every private link, so that logs never hold its token.
    path("p/gruppe/<str:token>/", address_exchange.exchange_page, name="address_exchange"),
    # Asking to be told when a contact point opens: under /p/ like every private link.
    path("p/varsel/<str:token>/", public.notice_request, name="notice_request"),
    path("p/varsel/<str:token>/fjern/", public.notice_remove, name="notice_remove"),
    path("trukket/", person.withdrawn, name="withdrawn"),
    path("bli-kontaktpunkt/", public.become_contact_point, name="become_contact_point"),
    path("bli-kontaktpunkt/sendt/", public.application_sent, name="application_sent"),
    path("ansatt/", include("staff.urls")),
    path("kontor/", include("figures.urls")),
    # Self-help in figures: public yearly figures and open files, never people.
    path("i-tall/", include("figures.public_urls")),
    # Posters, cards, materials and the getting-started guide, under the paths above.
    path("", include("materials.urls")),
    path("", include("accounts.urls")),
    path("innlogget/", selvhjelp_views.after_login, name="after_login"),
    # Choosing a language is a link, so that no public page needs a form, a token or a cookie.
    path("velg-sprak/<str:code>/", language.choose_language, name="choose_language"),
    path("anymail/", include("outbox.urls")),
    path("admin/", admin.site.urls),
    # For load balancers and orchestrators: is the process up; can it serve.
    path("helse/", health.health, name="health"),
    path("helse/live/", health.liveness, name="liveness"),
]
