from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import emails  # noqa: F401 - registers the kinds of mail about work accounts
        from accounts.receivers import forget_password_request, remember_language
        from outbox import signals

        user_logged_in.connect(remember_language, dispatch_uid="accounts.remember_language")
        signals.sent.connect(forget_password_request, dispatch_uid="accounts.forget_password_request")
