"""Public pages: the home page, the directory, and becoming a contact point."""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contactpoints import services
from contactpoints.directory import find_contact_points
from contactpoints.directory import suggestions as directory_suggestions
from contactpoints.forms import ApplicationForm, municipality_choices
from contactpoints.models import ContactPoint, County, Office
from selvhjelp import ratelimit
from selvhjelp.forms import no_control_characters


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


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
    )
    format = forms.ChoiceField(label=_("How the groups meet"), choices=FORMATS, required=False)


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The directory and its search; a search that finds nothing shows where else to turn."""
    form = DirectoryForm(request.GET or None)
    contact_points: list[ContactPoint] = []
    suggestions = None
    if not form.is_bound or form.is_valid():
        wanted = form.cleaned_data if form.is_bound else {}
        query, county, meets = wanted.get("q", "").strip(), wanted.get("county"), wanted.get("format", "")
        contact_points = find_contact_points(query=query, county=county, meets=meets)
        if not contact_points:
            suggestions = directory_suggestions(query, meets=meets, filtered=bool(county or meets))
    context = {"form": form, "contact_points": contact_points, "suggestions": suggestions}
    return render(request, "contactpoints/directory.html", context)


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
