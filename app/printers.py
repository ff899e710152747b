"""Where slips go, and getting the bytes there (python-escpos), with a clear reason when not.

The ``printer`` setting names the target in one line:

==========================  =================================================================
(empty)                     no printer: the voucher code is shown on screen, nothing printed
``network:HOST[:PORT]``     an Ethernet/Wi-Fi receipt printer, raw port 9100 by default
``usb:VENDOR:PRODUCT``      a USB receipt printer by its ids, e.g. ``usb:04b8:0202``
                            (needs the optional ``pyusb`` package and libusb)
``serial:DEVICE[:BAUD]``    a serial receipt printer, e.g. ``serial:/dev/ttyUSB0:19200``
                            (needs the optional ``pyserial`` package)
``system:NAME``             a printer of the computer, sent raw: CUPS through ``lp`` on Linux
                            and macOS, the Windows spooler (needs ``pywin32``)
``pdf:FOLDER``              no receipt printer: a voucher card PDF per voucher in FOLDER, to
                            print on an ordinary printer or send to the guest
==========================  =================================================================

Network, USB and serial printers are asked for their status (DLE EOT 2, answered at once by
ESC/POS printers) before a slip and again after it: a printer that is out of paper, has its
cover open, stops answering or drops the connection mid-slip gives a :class:`PrinterError`
that says so, and the caller offers a reprint. python-escpos is imported here, on first use
(~0.4 s with Pillow, qrcode and python-barcode): never at start-up, and in the printing
thread, not on a tap.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sys
from pathlib import Path
from typing import NamedTuple

from app.errors import ComebackError
from app.i18n import _

DEFAULT_PORT = 9100
KINDS = ("network", "usb", "serial", "system", "pdf")
#: DLE EOT 2: "why are you offline?" — one byte back: bit 2 cover open, bit 5 paper end,
#: bit 6 an error; 0x12 means all is well.
STATUS_QUERY = b"\x10\x04\x02"
COVER_OPEN, PAPER_END, ERROR = 0x04, 0x20, 0x40


class PrinterError(ComebackError):
    """The slip did not reach the printer; ``str(error)`` says why and what to do."""


class Target(NamedTuple):
    kind: str
    address: str
    port: int = 0

    def describe(self) -> str:
        if self.kind == "network":
            return f"{self.address}:{self.port}"
        if self.kind == "serial":
            return f"{self.address} ({self.port} baud)"
        return self.address


def parse_target(text: str) -> Target | None:
    """The ``printer`` setting as a :class:`Target` (None = no printer); ValueError says
    what is wrong in words for the owner."""
    text = (text or "").strip()
    if not text:
        return None
    kind, _sep, rest = text.partition(":")
    kind = kind.strip().lower()
    rest = rest.strip()
    if kind not in KINDS or not rest:
        raise ValueError(_("start with network:, usb:, serial:, system: or pdf: and say "
                           "which printer, e.g. network:192.168.1.50"))
    if kind == "network":
        host, sep, port = rest.rpartition(":")
        if not sep:
            return Target("network", rest, DEFAULT_PORT)
        if not port.isdigit() or not 0 < int(port) < 65536 or not host:
            raise ValueError(_("the port after the address must be a number from 1 to "
                               "65535, e.g. network:192.168.1.50:9100"))
        return Target("network", host, int(port))
    if kind == "usb":
        try:
            vendor, product = (int(part, 16) for part in rest.split(":"))
        except ValueError:
            raise ValueError(_("give the USB vendor and product id in hex, e.g. "
                               "usb:04b8:0202 (lsusb shows them)")) from None
        return Target("usb", f"{vendor:04x}:{product:04x}")
    if kind == "serial":
        device, _sep, baud = rest.rpartition(":") if rest.rsplit(":", 1)[-1].isdigit() \
            else (rest, "", "")
        return Target("serial", device, int(baud) if baud else 9600)
    return Target(kind, rest)


def _needs(package: str, what: str) -> PrinterError:
    return PrinterError(_("{what} need the Python package {package}, which is not "
                          "installed: pip install {package}. Until then use a network "
                          "printer or system:NAME.").format(what=what, package=package))


def open_printer(target: Target, timeout: float):
    """A python-escpos printer object for a receipt-printer target (not opened yet)."""
    from escpos import printer as escpos_printer

    if target.kind == "network":
        return escpos_printer.Network(target.address, target.port, timeout=timeout)
    if target.kind == "usb":
        if not escpos_printer.Usb.is_usable():
            raise _needs("pyusb", _("USB printers"))
        vendor, product = (int(part, 16) for part in target.address.split(":"))
        return escpos_printer.Usb(vendor, product, timeout=int(timeout * 1000))
    if target.kind == "serial":
        if not escpos_printer.Serial.is_usable():
            raise _needs("pyserial", _("Serial printers"))
        return escpos_printer.Serial(target.address, baudrate=target.port, timeout=timeout)
    if target.kind == "system":
        if sys.platform == "win32":
            if not escpos_printer.Win32Raw.is_usable():
                raise _needs("pywin32", _("Windows printers"))
            return escpos_printer.Win32Raw(target.address)
        if escpos_printer.CupsPrinter.is_usable():
            return escpos_printer.CupsPrinter(target.address)
        if shutil.which("lp") is None:
            raise PrinterError(_("No printing system found: install CUPS (the lp command) "
                                 "or use a network printer."))
        return escpos_printer.LP(target.address)
    raise PrinterError(_("{target} is not a receipt printer.").format(target=target.address))


def send(target: Target, data: bytes, timeout: float = 5.0) -> None:
    """Send finished ESC/POS bytes to a receipt printer; PrinterError when it did not work.

    ``timeout`` (seconds) bounds connecting and each wait for the printer.
    """
    from escpos.exceptions import Error as EscposError

    where = target.describe()
    device = open_printer(target, timeout)
    talks_back = target.kind in ("network", "usb", "serial")
    try:
        try:
            if target.kind == "network":  # python-escpos' open() leaks the socket on failure
                device.device = socket.create_connection((target.address, target.port),
                                                         timeout)
            else:
                device.open()
        except (EscposError, OSError) as error:
            raise PrinterError(_("The printer at {where} cannot be reached. Check that it "
                                 "is on and connected, then tap Reprint.").format(
                where=where)) from error
        if talks_back:
            _check_status(device, where)
        try:
            device._raw(data)  # the slip is rendered already (app.slip_escpos)
        except (EscposError, OSError) as error:
            raise PrinterError(_("The printer at {where} stopped taking the slip. Check it, "
                                 "then tap Reprint.").format(where=where)) from error
        if talks_back:
            _check_status(device, where)
    finally:
        with contextlib.suppress(EscposError, OSError):
            device.close()


def _check_status(device, where: str) -> None:
    """Ask the printer how it is (DLE EOT 2); PrinterError unless all is well."""
    try:
        device._raw(STATUS_QUERY)
        answer = bytes(device._read())
    except OSError as error:
        raise PrinterError(_("The printer at {where} does not answer. Check that it is on "
                             "and has paper, then tap Reprint.").format(where=where)) from error
    if not answer:
        raise PrinterError(_("The printer at {where} closed the connection. Check it, then "
                             "tap Reprint.").format(where=where))
    status = answer[-1]
    if status & COVER_OPEN:
        raise PrinterError(_("The printer's cover is open. Close it, then tap Reprint."))
    if status & PAPER_END:
        raise PrinterError(_("The printer is out of paper. Put in a new roll, then tap "
                             "Reprint."))
    if status & ERROR:
        raise PrinterError(_("The printer reports an error (a paper jam or the cutter). "
                             "Clear it, then tap Reprint."))


def write_pdf(folder: str, name: str, data: bytes) -> Path:
    """Write a voucher card PDF into ``folder``; PrinterError when the folder is not usable."""
    target = Path(folder).expanduser()
    try:
        target.mkdir(parents=True, exist_ok=True)
        path = target / name
        path.write_bytes(data)
    except OSError as error:
        raise PrinterError(_("The voucher card could not be saved in {folder}: {why}.")
                           .format(folder=folder, why=error.strerror or error)) from error
    return path
