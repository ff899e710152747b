"""Printing slips off the tap path: one worker thread takes jobs in order, the UI gets signals.

The tap builds the slip's texts (a query and a few Babel formats, well under a millisecond)
and queues it; rendering (python-escpos, loaded by the worker when it starts: right after
start-up when a receipt printer is set, see warm_up) and the conversation with the printer
happen in the worker, bounded by :attr:`SlipPrinter.timeout`.
A printer that is off, out of paper or drops the connection never holds up the counter: the
voucher is saved already, and :attr:`SlipPrinter.failed` lets the bar offer a reprint.

One service per controller: :func:`slip_printer`.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from app.context import Context
from app.errors import ComebackError
from app.i18n import _
from app.models import Logged
from app.printers import PrinterError, Target, parse_target
from app.slips import Slip
from ui.controller import Controller


class SlipJob(NamedTuple):
    """One slip on its way; a reprint is a new job with the same slip."""

    id: int
    slip: Slip
    target: Target
    incident_id: int | None = None


class SlipPrinter(QObject):
    """Queues slips for the store's printer and reports how each went.

    Signals:
        queued(object): a :class:`SlipJob` was handed to the worker.
        printed(object, str): the job reached the printer (or its PDF card was saved; the
            str is then the file's path, else "").
        failed(object, str): the job did not; the message says why and what to do.
    """

    queued = Signal(object)
    printed = Signal(object, str)
    failed = Signal(object, str)
    _finished = Signal(object, str, bool)  # from the worker thread, queued to this one

    def __init__(self, ctx: Context, *, timeout: float = 5.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._jobs: queue.Queue[SlipJob | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._finished.connect(self._report)

    # -- what to print ----------------------------------------------------------------------
    def target(self) -> Target | None:
        """The configured printer, or None (no printer, or a setting that no longer parses)."""
        try:
            return parse_target(self.ctx.settings().printer)
        except ValueError:
            return None

    def after_logged(self, logged: Logged) -> list[SlipJob]:
        """On a tap: a slip for each voucher given, and the sorry card when the store wants
        one. Nothing at all without a printer (the code is on screen as before)."""
        settings = self.ctx.settings()
        if not settings.printer or not (logged.voucher_codes or settings.sorry_slip):
            return []
        from app import slips

        made = [slips.voucher_slip(self.ctx, code) for code in logged.voucher_codes]
        if settings.sorry_slip:
            made.append(slips.sorry_slip(self.ctx, logged.incident.id))
        return [job for slip in made
                if (job := self.submit(slip, logged.incident.id)) is not None]

    def print_incident(self, incident_id: int) -> list[SlipJob]:
        """Reprint every voucher slip of an incident (from the queue or the incident)."""
        from app import slips

        return [job for slip in slips.voucher_slips_for_incident(self.ctx, incident_id)
                if (job := self.submit(slip, incident_id)) is not None]

    def print_test(self) -> SlipJob | None:
        from app import slips

        return self.submit(slips.test_slip(self.ctx))

    def reprint(self, job: SlipJob) -> SlipJob | None:
        """The same slip again, to the printer configured now."""
        return self.submit(job.slip, job.incident_id)

    def submit(self, slip: Slip, incident_id: int | None = None) -> SlipJob | None:
        target = self.target()
        if target is None:
            return None
        job = SlipJob(next(self._ids), slip, target, incident_id)
        self._start_worker()
        self._jobs.put(job)
        self.queued.emit(job)
        return job

    def warm_up(self) -> bool:
        """With a receipt printer set, start the worker now: it loads the ESC/POS driver
        (python-escpos, ~0.4 s) before any slip, so the first voucher's slip is not the one
        that pays for it. False (and nothing started) without such a printer."""
        target = self.target()
        if target is None or target.kind == "pdf":
            return False
        self._start_worker()
        return True

    # -- the worker -------------------------------------------------------------------------
    def _start_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="slip-printer",
                                            daemon=True)
            self._worker.start()

    def _work(self) -> None:
        # The driver, once, before the first job (see warm_up); if it cannot load, the job
        # itself says what is wrong.
        with contextlib.suppress(Exception):
            import app.slip_escpos  # noqa: F401
        while (job := self._jobs.get()) is not None:
            try:
                where = deliver(job, self.timeout)
            except ComebackError as error:
                self._finished.emit(job, str(error), False)
            except Exception as error:  # noqa: BLE001 - a driver's surprise must not kill it
                self._finished.emit(job, _("The slip could not be printed: {why}. Check the "
                                           "printer, then tap Reprint.").format(why=error),
                                    False)
            else:
                self._finished.emit(job, where, True)

    def _report(self, job: SlipJob, text: str, ok: bool) -> None:
        (self.printed if ok else self.failed).emit(job, text)

    def stop(self) -> None:
        """Let the worker end after the jobs already queued."""
        if self._worker is not None and self._worker.is_alive():
            self._jobs.put(None)


def deliver(job: SlipJob, timeout: float) -> str:
    """Render and send one job (in the worker); returns the PDF's path for a card, else ""."""
    if job.target.kind == "pdf":
        from app.printers import write_pdf
        from app.voucher_card import card_file_name, card_pdf

        return str(write_pdf(job.target.address, card_file_name(job.slip, job.incident_id),
                             card_pdf(job.slip)))
    from app.printers import send
    from app.slip_escpos import slip_bytes

    try:
        data = slip_bytes(job.slip)
    except (ValueError, TypeError) as error:
        raise PrinterError(str(error)) from error
    send(job.target, data, timeout)
    return ""


def warm_up_printer(controller: Controller) -> None:
    """A start-up step: with a receipt printer set, get its driver loaded (see warm_up)."""
    if controller.ctx.settings().printer:
        slip_printer(controller).warm_up()


def slip_printer(controller: Controller) -> SlipPrinter:
    """The controller's one slip printer, made on first use."""
    service = getattr(controller, "slip_printer", None)
    if service is None:
        service = SlipPrinter(controller.ctx, parent=controller)
        controller.slip_printer = service
    return service
