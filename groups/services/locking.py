"""Locking sign-up rows before they are deleted."""

from django.db.models import QuerySet

from groups.models import SignUp


def lock_signups(signups: "QuerySet[SignUp]", *, skip_locked: bool = False) -> list[int]:
    """Lock sign-up rows before deleting them, so that no mail or invitation
    can be added to them between collecting what cascades and the delete."""
    return list(signups.select_for_update(skip_locked=skip_locked).values_list("pk", flat=True))
