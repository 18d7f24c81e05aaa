from django.http import HttpRequest
from django.utils.translation import get_language

from accounts import emails
from accounts.models import PasswordRequest, User
from outbox.models import Email


def remember_language(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """Mail to work accounts goes out in the language they last signed in with."""
    language = get_language()
    if language and language != user.language:
        User.objects.filter(pk=user.pk).update(language=language)


def forget_password_request(sender: object, email: Email, **kwargs: object) -> None:
    """Once the answer to "forgot password" is sent, or found to be nothing to send, the address typed goes."""
    if email.kind == emails.SET_PASSWORD and email.user_id is None:
        PasswordRequest.objects.filter(outbox_key=email.dedupe_key).delete()
