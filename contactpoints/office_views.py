"""Pages where a district office (or the national office, where no district
office covers a county) decides applications to become a contact point.

An office sees only the applications it decides; any other is a 404.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from contactpoints import services
from contactpoints.forms import DeclineForm, QuestionForm
from contactpoints.models import Application, Office, applications_handled_by
from selvhjelp.access import members_only

office_view = members_only(lambda request, slug: get_object_or_404(Office, slug=slug, members=request.user))


@office_view
@require_GET
def applications(request: HttpRequest, office: Office) -> HttpResponse:
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


@office_view
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    instance = get_object_or_404(
        applications_handled_by(office).select_related("municipality__county", "contact_point", "decided_by"), pk=pk
    )
    action = request.POST.get("action")
    question_form = QuestionForm(request.POST if action == "ask" else None)
    decline_form = DeclineForm(request.POST if action == "decline" else None)
    if request.method == "POST":
        try:
            if action == "ask" and question_form.is_valid():
                services.ask(
                    application=instance, office=office, by=request.user, body=question_form.cleaned_data["body"]
                )
                messages.success(request, _("The question is sent. The answer comes to your email."))
                return redirect("figures:application", office.slug, instance.pk)
            if action == "approve":
                point = services.approve(application=instance, office=office, by=request.user)
                messages.success(
                    request,
                    _(
                        "%(name)s is approved. Its first staff member is invited; "
                        "it is listed once they have completed its public page."
                    )
                    % {"name": point.name},
                )
                return redirect("figures:application", office.slug, instance.pk)
            if action == "decline" and decline_form.is_valid():
                services.decline(
                    application=instance, office=office, by=request.user, reason=decline_form.cleaned_data["reason"]
                )
                messages.success(request, _("The application is declined. The organisation is told why."))
                return redirect("figures:application", office.slug, instance.pk)
            if action not in ("ask", "approve", "decline"):
                return render(request, "400.html", status=400)
        except services.ContactPointError as error:
            messages.error(request, str(error))
            return redirect("figures:application", office.slug, instance.pk)
    return render(
        request,
        "figures/application.html",
        {
            "office": office,
            "application": instance,
            "questions": instance.questions.select_related("asked_by"),
            "question_form": question_form,
            "decline_form": decline_form,
        },
    )
