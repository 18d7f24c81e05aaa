"""Signing in with two factors, and choosing a password through a one-time link.

Nobody is signed in until both factors have passed: the password step only
remembers, for a few minutes, whose code to ask for next. An account without
a code app yet (a new invitee) sets one up before it is signed in, and gets
recovery codes once.
"""

import time

import django_otp
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts import codeapp, middleware
from accounts.forms import CodeForm, ForgotPasswordForm, NewCodeForm, PasswordForm
from accounts.invitations import ask_for_new_password
from accounts.middleware import PENDING
from accounts.models import User
from accounts.tokens import set_password_token
from selvhjelp import ratelimit
from selvhjelp.qr import qr_svg

# A new account's codes are shown once, on the page after setting up the app.
FRESH_CODES = "sign_in_fresh_recovery_codes"
FRESH_CODES_NEXT = "sign_in_fresh_recovery_codes_next"


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > settings.SIGN_IN_CODE_MINUTES * 60:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _has_code_app(user: User) -> bool:
    return codeapp.confirmed_device(user) is not None


def _passed_the_password(request: HttpRequest, user: User, *, backend: str, next_url: str) -> HttpResponse:
    """Remember, in a new session, whose code to ask for next, and ask for it (or for a new code app)."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "backend": backend, "at": int(time.time()), "next": next_url}
    return redirect("sign_in_code" if _has_code_app(user) else "set_up_code_app")


def _finish(request: HttpRequest, user: User, device: object) -> HttpResponse:
    """Both factors passed: a new session id, signed in, verified."""
    pending = request.session.pop(PENDING)
    auth.login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    middleware.start(request)
    if FRESH_CODES in request.session:
        request.session[FRESH_CODES_NEXT] = pending["next"]
        return redirect("recovery_codes")
    return redirect(pending["next"] or settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = PasswordForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        return _passed_the_password(request, user, backend=user.backend, next_url=next_url)
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please start again with your email address and password."))
        return redirect("login")
    if not _has_code_app(user):
        return redirect("set_up_code_app")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        paused = codeapp.paused_for(user)  # as it was before this try; a recovery code still works
        if device := codeapp.device_for_code(user, form.cleaned_data["code"]):
            return _finish(request, user, device)
        form.add_error("code", paused or codeapp.refusal(user, form.cleaned_data["code"]))
    return render(request, "accounts/code.html", {"form": form})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def set_up_code_app(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please start again with your email address and password."))
        return redirect("login")
    if _has_code_app(user):
        return redirect("sign_in_code")
    device = codeapp.device_being_set_up(user)
    form = NewCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session[FRESH_CODES] = codeapp.new_recovery_codes(user)
            return _finish(request, user, device)
        form.add_error(
            "code", _("That code did not work. Check that the app shows selvhjelp, and try the code shown now.")
        )
    secret = codeapp.secret(device)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    qr = qr_svg(device.config_url, label=_("Code for your app"))
    return render(request, "accounts/set_up_code_app.html", {"form": form, "qr": qr, "secret": grouped})


@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shown once, right after the code app is set up."""
    if not request.user.is_authenticated:
        return redirect("login")
    codes = request.session.pop(FRESH_CODES, None)
    if not codes:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = request.session.pop(FRESH_CODES_NEXT, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in an invitation or a "forgot my password" email. Opening it changes nothing."""
    user = _user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/link_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        if request.user.is_authenticated:
            auth.logout(request)
        messages.success(request, _("Your password is saved."))
        return _passed_the_password(request, user, backend="accounts.backends.AccountBackend", next_url="")
    return render(request, "accounts/set_password.html", {"form": form, "account": user})


def _user_for_link(uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not set_password_token.check_token(user, token):
        return None
    return user


@never_cache
@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    """The same answer, and the same work, whether or not the address has an account."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ratelimit.admit(request, scope="new-password", limit=settings.NEW_PASSWORD_LIMIT_PER_CLIENT, seconds=3600):
            # The same work for every address: whether it has an account is found out later, by a worker.
            ask_for_new_password(address=form.cleaned_data["email"])
        return redirect("forgot_password_sent")  # the same answer, over the limit too (and no more mail)
    return render(request, "accounts/forgot_password.html", {"form": form})


@require_GET
def forgot_password_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/forgot_password_sent.html", {"hours": settings.SET_PASSWORD_LINK_HOURS})


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: object = None) -> HttpResponse:
    """What a client sees while its sign-ins are paused (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
