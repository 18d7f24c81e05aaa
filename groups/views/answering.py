"""A person answers their invitation on their private page: yes, not this time,
or remove me, which asks first (``withdrawing.py``)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups import links, selectors
from groups.models import SignUp
from groups.services.answering import Answer, answer
from groups.views.withdrawing import confirmation

THANKS = {
    Answer.YES: gettext_lazy("Thank you. We look forward to seeing you."),
    Answer.NOT_THIS_TIME: gettext_lazy("Thank you for telling us. You keep your place on the list."),
}


def answer_invitation(request: HttpRequest, signup: SignUp, token: str) -> HttpResponse:
    reply = request.POST.get("reply", "")
    if reply not in (Answer.YES, Answer.NOT_THIS_TIME, Answer.REMOVE_ME):
        return render(request, "400.html", status=400)
    if reply == Answer.REMOVE_ME:
        # "Remove me" is a link to the page that asks first; pressed as a
        # button (from a page opened before), it shows that page, and deletes nothing.
        return confirmation(request, signup, token)
    if not answer(signup=signup, reply=reply):
        messages.warning(request, _("This invitation can no longer be answered."))
    else:
        messages.success(request, str(THANKS[reply]))
    if reply == Answer.YES and (left := selectors.lists_left(signup)):
        names = ", ".join(left)
        messages.info(
            request,
            ngettext(
                "Saying yes took you off the waiting list at %(names)s.",
                "Saying yes took you off the waiting lists at %(names)s.",
                len(left),
            )
            % {"names": names},
        )
    return redirect(links.url(token))
