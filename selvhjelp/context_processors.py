from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse


def languages(request: HttpRequest) -> dict[str, list[tuple[str, str, str]]]:
    """Each language named in itself, untranslated, with the address that chooses it, for the language
    switcher: worked out once per process (and URL configuration), not on every page."""
    key = (get_script_prefix(), settings.ROOT_URLCONF, tuple(settings.LANGUAGES))
    links = _language_links.get(key)
    if links is None:
        links = [(code, name, reverse("choose_language", args=[code])) for code, name in settings.LANGUAGES]
        _language_links[key] = links
    return {"language_choices": links}


_language_links: dict[tuple[object, ...], list[tuple[str, str, str]]] = {}


def operator_details() -> dict[str, str]:
    """Who runs the service, as every page and every email names it (the settings' "Who runs the service")."""
    number = settings.OPERATOR_ORG_NUMBER
    return {
        "service": settings.SERVICE_NAME,
        "name": settings.OPERATOR_NAME,
        # As Brønnøysundregistrene writes it: 999 999 999.
        "org_number": f"{number[:3]} {number[3:6]} {number[6:]}",
        "contact_email": settings.OPERATOR_CONTACT_EMAIL,
        "postal_address": settings.OPERATOR_POSTAL_ADDRESS,
        "privacy_email": settings.PRIVACY_CONTACT_EMAIL,
        "mail_processor": settings.MAIL_PROCESSOR,
        "hosting_processor": settings.HOSTING_PROCESSOR,
    }


def operator(request: HttpRequest) -> dict[str, dict[str, str]]:
    return {"operator": operator_details()}


def signup_rules(request: HttpRequest) -> dict[str, dict[str, object]]:
    """The configured life of a sign-up, and the cookies the site sets, so that pages state them as they are."""
    return {
        "rules": {
            "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
            "expiry_days": settings.SIGNUP_EXPIRY_DAYS,
            "warning_days": settings.SIGNUP_EXPIRY_WARNING_DAYS,
            "move_offer_days": settings.MOVE_OFFER_AFTER_DAYS,
            "reply_hours": settings.INVITATION_REPLY_HOURS,
            "hand_off_hours": settings.HAND_OFF_AFTER_HOURS,
            "exchange_days": settings.ADDRESS_EXCHANGE_DAYS,
            "closed_kept_days": settings.CLOSED_SIGNUPS_KEPT_DAYS,
            # Deleted data is unreadable everywhere once the key that read it is retired.
            "unreadable_after_days": settings.FIELD_KEY_ROTATE_DAYS + settings.FIELD_KEY_RETIRE_AFTER_DAYS,
        },
        "cookies": {
            "csrf": settings.CSRF_COOKIE_NAME,
            "csrf_days": (settings.CSRF_COOKIE_AGE or 0) // 86400,
            "language": settings.LANGUAGE_COOKIE_NAME,
            # None: the browser forgets it when it closes.
            "language_days": (settings.LANGUAGE_COOKIE_AGE or 0) // 86400,
            "session": settings.SESSION_COOKIE_NAME,
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "messages": CookieStorage.cookie_name,
        },
    }
