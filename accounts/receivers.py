from django.http import HttpRequest
from django.utils.translation import get_language

from accounts.models import User


def remember_language(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """Mail to work accounts goes out in the language they last signed in with."""
    language = get_language()
    if language and language != user.language:
        User.objects.filter(pk=user.pk).update(language=language)
