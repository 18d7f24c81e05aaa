"""Django's own messages that a person or a staff member can meet on this site.

Django looks its messages up through gettext, and the project's catalogue
(``LOCALE_PATHS``) comes before Django's own. Listing the message ids here, word
for word as Django writes them, puts them into ``makemessages``' catalogue, where
they are written in plain words in bokmål and nynorsk: what is wrong, and how to
put it right. Nothing here runs: the lists are read by ``makemessages`` and by the
tests (tests/selvhjelp/test_error_messages.py), which check that every stock
message a form on the site shows is listed.

A msgid must stay exactly as Django spells it (curly apostrophes included), or
Django's own wording comes back. The admin is not covered.
"""

from django.utils.translation import gettext_noop


def ngettext(singular: str, plural: str, number: int = 0) -> tuple[str, str]:
    """Marks a plural pair for ``makemessages`` (xgettext knows ``ngettext``) without translating it."""
    return (singular, plural)


MESSAGES = (
    # Every field (django.forms.fields).
    gettext_noop("This field is required."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    # A time that does not exist, or exists twice, when the clocks change (django.forms.utils).
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; "
        "it may be ambiguous or it may not exist."
    ),
    # Validators (django.core.validators).
    gettext_noop("Enter a valid email address."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Null characters are not allowed."),
    # Signing in (django.contrib.auth.forms.AuthenticationForm).
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    # Should an account that is switched off ever get past the sign-in backend.
    gettext_noop("This account is inactive."),
    # Choosing a password (SetPasswordForm and AUTH_PASSWORD_VALIDATORS).
    gettext_noop("New password confirmation"),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
)

PLURAL_MESSAGES = (
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
)
