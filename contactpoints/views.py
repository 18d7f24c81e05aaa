"""Public pages: the home page, the directory, asking to be told when a contact point opens
(and the pages its links open), and becoming a contact point."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from contactpoints import languages as language_list
from contactpoints import notice_links, notices, services
from contactpoints.directory import find_contact_points
from contactpoints.directory import suggestions as directory_suggestions
from contactpoints.forms import ApplicationForm, NoticeForm, municipality_choices
from contactpoints.models import ContactPoint, County, Language, Municipality, Office
from selvhjelp import pagecache, ratelimit
from selvhjelp.forms import no_control_characters
from selvhjelp.i18n import speak_their_language
from selvhjelp.pagecache import public_page_cache


@require_GET
@public_page_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


class KeptSelect(forms.Select):
    """A list of choices whose HTML is made once per generation and language in each process
    (``selvhjelp.pagecache.fragment``): its choices come from the database and change only with a bump,
    and rendering every option on each search would cost more than the search."""

    def render(
        self,
        name: str,
        value: object,
        attrs: dict[str, object] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        key = ("select", name, repr(value), repr(sorted((attrs or {}).items())), repr(sorted(self.attrs.items())))
        # Django's own rendering of the widget, which escapes every choice and value, kept as it made it.
        return mark_safe(  # noqa: S308  # nosec B308 B703 - Django's escaped widget HTML
            pagecache.fragment(key, lambda: str(super(KeptSelect, self).render(name, value, attrs, renderer)))
        )


def _active_languages() -> list[tuple[str, Language]]:
    return pagecache.per_generation(
        "directory.active_languages", lambda: list(language_list.active_languages().items()), size=16 << 10
    )


class DirectoryForm(forms.Form):
    FORMATS = [
        ("", _("Any")),
        ("in_person", _("Meets in person")),
        ("telephone", _("Meets by telephone")),
        ("video", _("Meets by video")),
    ]

    q = forms.CharField(
        label=_("Search by name, municipality or county"),
        max_length=100,
        required=False,
        validators=[no_control_characters],
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.filter(is_current=True),
        required=False,
        empty_label=_("All counties"),
        widget=KeptSelect,
    )
    format = forms.ChoiceField(label=_("How the groups meet"), choices=FORMATS, required=False, widget=KeptSelect)
    language = forms.ChoiceField(label=_("Language of the groups"), choices=[], required=False, widget=KeptSelect)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared just above
        field.choices = [
            ("", _("Any language")),
            *((code, language.label) for code, language in _active_languages()),
        ]


@require_GET
@public_page_cache
def directory(request: HttpRequest) -> HttpResponse:
    """The directory and its search; a search that finds nothing shows where else to turn."""
    form = DirectoryForm(request.GET or None)
    contact_points: list[ContactPoint] = []
    suggestions = None
    if not form.is_bound or form.is_valid():
        wanted = form.cleaned_data if form.is_bound else {}
        query, county, meets = wanted.get("q", "").strip(), wanted.get("county"), wanted.get("format", "")
        language = wanted.get("language", "")
        contact_points = find_contact_points(query=query, county=county, meets=meets, language=language)
        if not contact_points:
            suggestions = directory_suggestions(query, meets=meets, filtered=bool(county or meets or language))
    context = {"form": form, "contact_points": contact_points, "suggestions": suggestions}
    return render(request, "contactpoints/directory.html", context)


def _notice_county(request: HttpRequest) -> County | None:
    """The county whose municipalities the form lists: of the municipality chosen (``kommune`` in the
    address, or the one sent), or the county the search named (``fylke``)."""
    number = str(request.POST.get("municipality") or request.GET.get("kommune") or "")
    if number.isdigit():
        municipality = Municipality.objects.filter(number=number, is_current=True).select_related("county").first()
        if municipality is not None:
            return municipality.county
    county_number = str(request.GET.get("fylke", ""))
    return County.objects.filter(number=county_number, is_current=True).first() if county_number.isdigit() else None


def _notice_page(
    request: HttpRequest, form: NoticeForm, *, status: int = 200, turned_away: bool = False
) -> HttpResponse:
    return render(request, "contactpoints/notice_ask.html", {"form": form, "turned_away": turned_away}, status=status)


@require_http_methods(["GET", "POST"])
def notice_ask(request: HttpRequest) -> HttpResponse:
    """Ask to be told when a contact point opens. A known address and a new one get the same answer
    from the same work (``notices.ask``); what a program sends is answered as if it were taken, and dropped."""
    initial = {"municipality": request.GET.get("kommune", "")}
    form = NoticeForm(request.POST or None, county=_notice_county(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        window = settings.SIGNUP_LIMIT_WINDOW_SECONDS
        if not ratelimit.admit(request, scope="notice", limit=settings.SIGNUP_LIMIT_PER_CLIENT, seconds=window):
            return _notice_page(request, form, status=429, turned_away=True)
        if not form.sent_by_a_program:
            municipality, email = form.cleaned_data["municipality"], form.cleaned_data["email"]
            notices.ask(municipality=municipality, email=email, locale=get_language())
        return redirect("notice_sent")
    return _notice_page(request, form)


@require_GET
def notice_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "contactpoints/notice_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def notice_request(request: HttpRequest, token: str) -> HttpResponse:
    """What the link in the email opens: a button to confirm, or the confirmed request. Opening it changes nothing."""
    notice = notice_links.resolve(token)
    if notice is None:
        return render(request, "contactpoints/notice_link_invalid.html", status=404)
    speak_their_language(request, notice.locale)
    if request.method == "POST":
        if request.POST.get("action") != "confirm":
            return render(request, "400.html", status=400)
        notices.confirm(request=notice)
        messages.success(request, _("Thank you. We will tell you when a contact point opens."))
        return redirect(notice_links.url(token))
    template = "notice_confirmed" if notice.is_confirmed else "notice_confirm"
    context = {"notice": notice, "remove_url": notice_links.remove_url(token)}
    return render(request, f"contactpoints/{template}.html", context)


# The page that says a request is removed gets the person's language in its address: the request is gone.
LANGUAGE_PARAMETER = "sprak"


@never_cache
@require_http_methods(["GET", "POST"])
def notice_remove(request: HttpRequest, token: str) -> HttpResponse:
    """Removing a request asks first, on a page with one button."""
    notice = notice_links.resolve(token)
    if notice is None:
        return render(request, "contactpoints/notice_link_invalid.html", status=404)
    speak_their_language(request, notice.locale)
    if request.method == "POST":
        notices.remove(request=notice)
        return redirect(f"{reverse('notice_removed')}?{urlencode({LANGUAGE_PARAMETER: request.LANGUAGE_CODE})}")
    context = {"notice": notice, "back_url": notice_links.url(token)}
    return render(request, "contactpoints/notice_remove.html", context)


@require_GET
def notice_removed(request: HttpRequest) -> HttpResponse:
    speak_their_language(request, request.GET.get(LANGUAGE_PARAMETER))
    return render(request, "contactpoints/notice_removed.html")


def _sole_office() -> Office | None:
    """The office that reads every application when there is only one (a national office alone);
    with more, which one reads it depends on the county."""
    offices = list(Office.objects.all()[:2])
    return offices[0] if len(offices) == 1 else None


def _become_page(request: HttpRequest, form: ApplicationForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "municipalities": municipality_choices(), "sole_office": _sole_office()}
    return render(request, "contactpoints/become.html", context, status=status)


@require_http_methods(["GET", "POST"])
def become_contact_point(request: HttpRequest) -> HttpResponse:
    """What being a contact point means, and the application."""
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.admit(
            request,
            scope="application",
            limit=settings.APPLICATION_LIMIT_PER_CLIENT,
            seconds=settings.SIGNUP_LIMIT_WINDOW_SECONDS,
        ):
            form.add_error(None, _("Many applications have come from your network just now. Please try again later."))
            return _become_page(request, form, status=429)
        application = form.save(commit=False)
        application.locale = get_language()
        try:
            services.apply(application=application)
        except services.ContactPointError as error:
            form.add_error(None, str(error))
        else:
            return redirect("application_sent")
    return _become_page(request, form)


@require_GET
def application_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "contactpoints/application_sent.html", {"sole_office": _sole_office()})
