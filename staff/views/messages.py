"""Staff's message to everyone waiting at their contact point. Staff learn only how many it reaches."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint
from groups import selectors
from groups.services.messages import send_message
from staff.forms import MessageForm


@staff_view
@require_http_methods(["GET", "POST"])
def message(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = send_message(contact_point=contact_point, body=form.cleaned_data["body"], created_by=request.user)
        sent = ngettext(
            "The message is being sent to %(count)s person.", "The message is being sent to %(count)s people.", count
        )
        messages.success(request, sent % {"count": count})
        return redirect("staff:dashboard", contact_point.slug)
    waiting = selectors.waiting_overview(contact_point).total
    return render(request, "staff/message.html", {"contact_point": contact_point, "form": form, "waiting": waiting})
