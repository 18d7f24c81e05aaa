"""Background work on sign-ups and groups. Tasks take ids only, never an
address, and are idempotent: run twice, they do the work once."""

from celery import shared_task

from groups.services import address_exchange, forming, hand_off, moving, reminding, signing_up, upkeep


@shared_task
def record_sign_ups() -> int:
    """Record every sign-up the form accepted; woken by the form, once for many."""
    return signing_up.record_waiting()


@shared_task
def record_due_sign_ups() -> int:
    """Record sign-ups the form accepted that no task recorded in time, for example because the broker was down."""
    return signing_up.record_waiting(older_than=signing_up.RECORD_INCOMING_AFTER)


@shared_task
def delete_unconfirmed() -> int:
    return upkeep.delete_unconfirmed()


@shared_task
def warn_expiring() -> int:
    return upkeep.warn_expiring()


@shared_task
def expire_signups() -> int:
    return upkeep.expire()


@shared_task
def expire_invitations() -> int:
    return forming.expire_invitations()


@shared_task
def remind_members() -> int:
    return reminding.remind_due()


@shared_task
def hand_off_due() -> int:
    return hand_off.hand_off_due()


@shared_task
def finish_hand_off(group_id: int) -> bool:
    return hand_off.finish_hand_off(group_id=group_id)


@shared_task
def offer_moves() -> int:
    return moving.offer_moves()


@shared_task
def delete_after_closing() -> int:
    return upkeep.delete_after_closing()


@shared_task
def end_address_exchanges() -> int:
    return address_exchange.delete_expired()
