from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import emails
from accounts.invitations import send_set_password_link, start_over
from accounts.models import User
from selvhjelp.admin import ModelAdmin


class InviteForm(forms.ModelForm):
    """A new account has no password: the person chooses it through the invitation."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address exists already."))
        return email


@admin.register(User)
class UserAdmin(ModelAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_form = InviteForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name")}),)
    actions = ["start_accounts_over"]

    def get_urls(self) -> list[URLPattern]:
        # No page where someone else chooses a person's password.
        return [url for url in super().get_urls() if not str(url.pattern).endswith("password/")]

    def save_model(self, request: HttpRequest, obj: User, form: forms.Form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        send_set_password_link(obj, kind=emails.STAFF_INVITATION)
        messages.info(
            request, _("An invitation to choose a password is on its way to %(email)s.") % {"email": obj.email}
        )

    @admin.action(description=_("Start over: remove password and code app, send a new invitation"))
    def start_accounts_over(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            start_over(user)
        count = len(users)
        self.message_user(
            request,
            ngettext(
                "%(count)s account starts over with a new invitation.",
                "%(count)s accounts start over with new invitations.",
                count,
            )
            % {"count": count},
        )


# A code app's key and a person's recovery codes are theirs alone: not even an
# administrator reads them. "Start over" above is how a lost factor is replaced.
# The sign-in failure records name accounts and client addresses; a lockout
# ends by itself after AXES_COOLOFF_MINUTES (or `manage.py axes_reset`).
for private_model in (TOTPDevice, StaticDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(private_model):
        admin.site.unregister(private_model)
