"""Who is on it, for the outcome step (ui.outcome): taken when it opens and again under the
name of who checks back, released when it is left without recording; and when another
terminal records the guest first, the step says who and what, and writes nothing.
"""

from __future__ import annotations

import sqlite3

from app import followup_taking
from app.errors import ComebackError
from app.incidents import get_followup
from app.models import Changes, Staff
from app.pending import NotSavedYet, short_wait

#: The pages of the outcome step (ui.outcome uses them).
CHOOSE, MORE, PIN, DONE, WHO = range(5)


class TakesTheGuest:
    """Mixed into :class:`ui.outcome.OutcomeDialog` (it has ``ctx``, ``controller``,
    ``item``, ``taken``, ``outcome_written``, the outcome buttons and the message line)."""

    def _take(self, member: Staff | None, opening: bool = False) -> None:
        """Tell the other terminals someone is on it (a busy database: recording still
        works, the others just keep ringing). Closed meanwhile: raises, the step does not
        open (or says who recorded it)."""
        try:
            with short_wait(self.ctx):
                self.taken = followup_taking.take(self.ctx, self.item.id,
                                                  member.id if member else None)
        except NotSavedYet:
            return
        except ComebackError as error:
            if opening:
                raise  # the step does not open: open_outcome says who recorded it
            self._closed_elsewhere(str(error))
            return
        self.controller.announce(Changes(followups=True, followup_id=self.item.id))

    def _release(self, _result: int = 0) -> None:
        """Left without recording: the guest is free for anyone again."""
        if self.outcome_written or self.taken is None:
            return
        try:
            with short_wait(self.ctx):
                changes = followup_taking.release(self.ctx, self.taken, self._staff_id())
        except NotSavedYet:
            return  # the take runs out by itself
        self.taken = None
        self.controller.announce(changes)

    def _on_changed(self, changes: Changes) -> None:
        """Another terminal recorded this guest while the step is open: say who and what
        before anyone taps (and nothing of this one will be written)."""
        if not changes.remote or not changes.followups or self.outcome_written:
            return
        try:
            followup = get_followup(self.ctx, self.item.id)
        except (ComebackError, sqlite3.Error):
            return
        if followup.done_at is not None or followup.missed_at is not None:
            self._closed_elsewhere(followup_taking.closed_message(self.ctx, followup))

    def _closed_elsewhere(self, text: str) -> None:
        self.taken = None
        self.outcome_written = True  # by someone else: nothing to release, nothing to write
        for button in self.outcome_buttons.values():
            button.setEnabled(False)
        self.note_edit.setEnabled(False)
        if self.stack.currentIndex() in (WHO, PIN):
            self.stack.setCurrentIndex(CHOOSE)
        self._show_message(text)
