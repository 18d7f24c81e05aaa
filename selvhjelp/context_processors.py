from django.conf import settings
from django.http import HttpRequest


def signup_rules(request: HttpRequest) -> dict[str, dict[str, int]]:
    """The configured life of a sign-up, so that pages state it as it is."""
    return {
        "rules": {
            "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
            "expiry_days": settings.SIGNUP_EXPIRY_DAYS,
            "warning_days": settings.SIGNUP_EXPIRY_WARNING_DAYS,
        }
    }
