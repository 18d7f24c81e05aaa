"""The workflows of sign-ups and groups, one module each, named as staff and
people know them: signing up, enough names (threshold), forming a group,
answering an invitation, hand-off, moving a place, messages to those waiting,
pausing and closing, colleagues, and the scheduled upkeep.

Each public function is keyword-only and one transaction that takes the
contact point's lock first (``contactpoints.locking``), so two changes at one
contact point never interleave and never deadlock.
"""
