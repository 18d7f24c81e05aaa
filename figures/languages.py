"""The national office's page for the languages groups can be held in: the list,
adding one, changing its names, and hiding or showing it. A language is never
deleted, for sign-ups refer to its code. Only members of the national office
reach these pages; anyone else gets a 404."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from contactpoints.access import national_view
from contactpoints.models import Language, Office
from figures.forms import LanguageForm


def _list(request: SignedInRequest, office: Office, form: LanguageForm) -> HttpResponse:
    languages = Language.objects.annotate(contact_points_offering=Count("contact_points"))
    return render(request, "figures/languages.html", {"office": office, "languages": languages, "form": form})


@national_view
@require_http_methods(["GET", "POST"])
def languages(request: SignedInRequest, office: Office) -> HttpResponse:
    if request.method == "GET":
        return _list(request, office, LanguageForm())
    action = request.POST.get("action")
    if action == "add":
        form = LanguageForm(request.POST)
        if not form.is_valid():
            return _list(request, office, form)
        language = form.save()
        messages.success(request, _("%(name)s is on the list.") % {"name": language.autonym})
    elif action in ("hide", "show"):
        language = get_object_or_404(Language, code=request.POST.get("code", ""))
        language.is_active = action == "show"
        language.save(update_fields=["is_active"])
        if language.is_active:
            messages.success(request, _("%(name)s is offered again.") % {"name": language.autonym})
        else:
            messages.success(request, _("%(name)s is hidden: nobody can tick it now.") % {"name": language.autonym})
    else:
        return HttpResponseBadRequest()
    return redirect("figures:languages", office.slug)


@national_view
@require_http_methods(["GET", "POST"])
def language(request: SignedInRequest, office: Office, code: str) -> HttpResponse:
    instance = get_object_or_404(Language, code=code)
    form = LanguageForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The names are saved."))
        return redirect("figures:languages", office.slug)
    return render(request, "figures/language.html", {"office": office, "language": instance, "form": form})
