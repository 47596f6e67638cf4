"""What other apps hear about boards, so that boards needs none of them (README "Where things live")."""

from django.dispatch import Signal

# Sent by boards.services.member_remove inside its transaction, with `board`, `user` (no longer a
# member) and `actor`: tasks drops the user from the board's tasks' assignees.
member_removed = Signal()
