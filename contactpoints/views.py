"""Public pages: the home page, the directory, and becoming a contact point."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contactpoints import services
from contactpoints.forms import ApplicationForm, municipality_choices
from contactpoints.models import ContactPoint, County
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
    FORMATS = [("", _("Any")), ("in_person", _("Meets in person")), ("telephone", _("Meets by telephone"))]

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
    form = DirectoryForm(request.GET or None)
    contact_points = ContactPoint.objects.listed().select_related("municipality__county")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            contact_points = contact_points.filter(
                Q(name__icontains=query)
                | Q(municipality__name__icontains=query)
                | Q(municipality__other_names__icontains=query)
                | Q(municipality__county__name__icontains=query)
            )
        if county := form.cleaned_data["county"]:
            contact_points = contact_points.filter(Q(municipality__county=county) | Q(nationwide=True))
        if form.cleaned_data["format"] == "in_person":
            contact_points = contact_points.filter(offers_in_person=True)
        elif form.cleaned_data["format"] == "telephone":
            contact_points = contact_points.filter(offers_telephone=True)
    elif form.is_bound:
        contact_points = contact_points.none()
    return render(request, "contactpoints/directory.html", {"form": form, "contact_points": contact_points})


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
            context = {"form": form, "municipalities": municipality_choices()}
            return render(request, "contactpoints/become.html", context, status=429)
        application = form.save(commit=False)
        application.locale = get_language()
        try:
            services.apply(application=application)
        except services.ContactPointError as error:
            form.add_error(None, str(error))
        else:
            return redirect("application_sent")
    return render(request, "contactpoints/become.html", {"form": form, "municipalities": municipality_choices()})


@require_GET
def application_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "contactpoints/application_sent.html")
