from django.conf import settings
from django.http import HttpRequest


def languages(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """Each language named in itself, untranslated, for the language switcher."""
    return {"language_choices": list(settings.LANGUAGES)}


def signup_rules(request: HttpRequest) -> dict[str, dict[str, int]]:
    """The configured life of a sign-up, so that pages state it as it is."""
    return {
        "rules": {
            "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
            "expiry_days": settings.SIGNUP_EXPIRY_DAYS,
            "warning_days": settings.SIGNUP_EXPIRY_WARNING_DAYS,
            "move_offer_days": settings.MOVE_OFFER_AFTER_DAYS,
            "exchange_days": settings.ADDRESS_EXCHANGE_DAYS,
            # Deleted data is unreadable everywhere once the key that read it is retired.
            "unreadable_after_days": settings.FIELD_KEY_ROTATE_DAYS + settings.FIELD_KEY_RETIRE_AFTER_DAYS,
        }
    }
