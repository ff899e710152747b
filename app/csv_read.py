"""Opening a CSV file as spreadsheet programs save it (for :mod:`app.csv_import`).

Excel and LibreOffice in the stores' five locales save the incidents file in different
ways; this module finds out which, so the shop owner never has to:

- encoding: UTF-8 with or without a byte-order mark, UTF-16 (with its mark, as Excel's
  "Unicode text" and LibreOffice write it; also without one when every other byte is
  zero), else a Windows code page — 1250 (Czech) or 1252 (Norwegian, Spanish, Dutch,
  English) — chosen by which one gives the letters those languages use, and named in the
  import's message so the owner can check;
- delimiter: comma, semicolon (spreadsheets in locales with a decimal comma) or TAB, found
  in the header line.

:func:`open_csv` reads the bytes once to check the UTF-8 and hash the file (SHA-256, for
the audit log) and returns a text stream over it; nothing is held in memory.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from app.i18n import _

CHUNK = 1 << 20
SAMPLE = 1 << 20  # bytes looked at to tell code pages apart

# Letters the store languages use, as each code page decodes them; and letters those
# languages hardly use, which a wrong guess produces (ì ù ò ý from Czech ě ů ň ý read as
# 1252; ř ĺ ć ń from Norwegian ø å æ and Spanish ñ read as 1250).
_LIKELY = {"cp1250": set("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ"),
           "cp1252": set("æøåÆØÅéëêïöüáíóúñÑçàâôÉÖÜ¿¡")}
_UNLIKELY = {"cp1250": set("ĺľćńŕőűăąęłśźżţĹĽĆŃŔŐŰĂĄĘŁŚŹŻŢ˘˙˝¤"),
             "cp1252": set("ìòùýÿðþÌÒÙÝÐÞ¤¦¨¸")}
_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16",
          "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1252": "Windows-1252",
          "cp1250": "Windows-1250"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


class NotACsv(Exception):
    """The file cannot be read as a CSV; the message says why in plain words."""


@dataclass(frozen=True)
class Opened:
    """A CSV file ready to read: ``text`` streams it decoded, ``delimiter`` splits it."""

    text: TextIO
    encoding: str  # Python's codec name
    delimiter: str
    sha256: str

    @property
    def encoding_name(self) -> str:
        return _NAMES.get(self.encoding, self.encoding)

    @property
    def is_code_page(self) -> bool:
        return self.encoding.startswith("cp")


def _scan(handle: BinaryIO) -> tuple[str, bool, bytes]:
    """SHA-256 of the whole file, whether it is all valid UTF-8, and its first bytes."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid = True
    head = b""
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        if len(head) < SAMPLE:
            head += chunk[:SAMPLE - len(head)]
        if valid:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                valid = False
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    return digest.hexdigest(), valid, head


def code_page(sample: bytes, prefer: str = "cp1252") -> str:
    """cp1250 or cp1252, whichever reads ``sample`` as the store languages' letters."""
    scores = {}
    for encoding in ("cp1250", "cp1252"):
        text = sample.decode(encoding, errors="replace")
        likely, unlikely = _LIKELY[encoding], _UNLIKELY[encoding]
        scores[encoding] = sum(1 if ch in likely else -3 if ch in unlikely or ch == "\ufffd"
                               else 0 for ch in text if ord(ch) > 127)
    if scores["cp1250"] == scores["cp1252"]:
        return prefer
    return max(scores, key=scores.get)


def _encoding(valid_utf8: bool, head: bytes, prefer: str) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = head[:2000]
    if len(pairs) >= 4 and pairs[1::2].count(0) > len(pairs) // 4 * 0.9:
        return "utf-16-le"
    if len(pairs) >= 4 and pairs[0::2].count(0) > len(pairs) // 4 * 0.9:
        return "utf-16-be"
    if valid_utf8:
        return "utf-8"
    return code_page(head, prefer)


def delimiter_of(header_line: str, known: set[str]) -> str:
    """The delimiter that splits the header line into the most known column names."""
    best, best_hits = ",", -1
    for delimiter in DELIMITERS:
        cells = [c.strip().strip('"').strip().lower() for c in header_line.split(delimiter)]
        hits = sum(1 for c in cells if c in known)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    return best


def open_csv(path: str | Path, known_columns: set[str], prefer_code_page: str = "cp1252"
             ) -> Opened:
    """Open ``path`` for :mod:`csv` (see the module docstring). Raises OSError when it
    cannot be read and :class:`NotACsv` when it is not text."""
    handle = open(path, "rb")  # noqa: SIM115 - the returned stream owns it
    try:
        sha, valid, head = _scan(handle)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
            raise NotACsv(_("This is a spreadsheet workbook (.xlsx or .xls), not a CSV file. "
                            "In your spreadsheet program choose Save as → \"CSV UTF-8\" "
                            "and import that file."))
        if not head.strip():
            raise NotACsv(_("the file is empty: expected a header line."))
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = _encoding(False, head, prefer_code_page)
            if not encoding.startswith("utf-16"):
                raise NotACsv(_("This is not a CSV text file (it holds binary data). Save "
                                "the sheet as \"CSV\" in your spreadsheet program and "
                                "import that file."))
        else:
            encoding = _encoding(valid, head, prefer_code_page)
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding=encoding, newline="", errors="strict")
        first = text.readline(65536)
        text.seek(0)
        return Opened(text, encoding, delimiter_of(first, known_columns), sha)
    except UnicodeDecodeError:
        handle.close()
        raise NotACsv(_("The file's text could not be read as {encoding}. Save the sheet "
                        "as \"CSV UTF-8\" in your spreadsheet program and import that file.")
                      .format(encoding=_NAMES.get(encoding, encoding))) from None
    except BaseException:
        handle.close()
        raise


def open_stream(stream: TextIO, known_columns: set[str]) -> Opened:
    """A text stream given by the caller (tests, standard input): only the delimiter is
    found; the hash is of its UTF-8 encoding."""
    data = stream.read()
    if data.startswith("\ufeff"):
        data = data[1:]
    first = data.split("\n", 1)[0]
    return Opened(io.StringIO(data, newline=""), "utf-8",
                  delimiter_of(first, known_columns),
                  hashlib.sha256(data.encode("utf-8")).hexdigest())
