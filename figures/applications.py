"""Pages where a district office (or the national office, where no district
office covers a county) decides applications to become a contact point.

An office sees only the applications it decides; any other is a 404.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import SignedInRequest
from contactpoints import services
from contactpoints.access import office_view
from contactpoints.models import Application, Office, applications_handled_by
from figures.forms import DeclineForm, QuestionForm


@office_view
@require_GET
def applications(request: SignedInRequest, office: Office) -> HttpResponse:
    handled = applications_handled_by(office).select_related("municipality__county", "contact_point")
    return render(
        request,
        "figures/applications.html",
        {
            "office": office,
            "pending": handled.filter(status=Application.Status.PENDING).order_by("created_at"),
            "decided": handled.exclude(status=Application.Status.PENDING).order_by("-decided_at")[:50],
        },
    )


def _page(request: SignedInRequest, office: Office, application: Application, **forms: object) -> HttpResponse:
    context = {
        "office": office,
        "application": application,
        "questions": application.questions.select_related("asked_by"),
        "question_form": forms.get("question_form") or QuestionForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
    }
    return render(request, "figures/application.html", context)


def _ask(request: SignedInRequest, office: Office, application: Application) -> HttpResponse:
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _page(request, office, application, question_form=form)
    services.ask(application=application, office=office, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("The question is sent. The answer comes to your email."))
    return redirect("figures:application", office.slug, application.pk)


def _approve(request: SignedInRequest, office: Office, application: Application) -> HttpResponse:
    point = services.approve(application=application, office=office, by=request.user)
    approved = _(
        "%(name)s is approved. Its first staff member is invited; "
        "it is listed once they have completed its public page."
    )
    messages.success(request, approved % {"name": point.name})
    return redirect("figures:application", office.slug, application.pk)


def _decline(request: SignedInRequest, office: Office, application: Application) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _page(request, office, application, decline_form=form)
    services.decline(application=application, office=office, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("The application is declined. The organisation is told why."))
    return redirect("figures:application", office.slug, application.pk)


# The application page's buttons, by the ``action`` each one sends.
ACTIONS = {"ask": _ask, "approve": _approve, "decline": _decline}


@office_view
@require_http_methods(["GET", "POST"])
def application(request: SignedInRequest, office: Office, pk: int) -> HttpResponse:
    applications = applications_handled_by(office).select_related("municipality__county", "contact_point", "decided_by")
    instance = get_object_or_404(applications, pk=pk)
    if request.method == "GET":
        return _page(request, office, instance)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return render(request, "400.html", status=400)
    try:
        return action(request, office, instance)
    except services.ContactPointError as error:
        messages.error(request, str(error))
        return redirect("figures:application", office.slug, instance.pk)
