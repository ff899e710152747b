"""Sound and tray notification for a due follow-up: both optional, both degrade quietly.

Sound: QtMultimedia is not part of PySide6-Essentials, so it is imported lazily; where it is
installed and an audio output exists, a short chime plays (a WAV written once to the temp
folder). Otherwise ``QApplication.beep()`` (the platform bell; silent offscreen). Tray: a
notification balloon where the platform has a system tray; none offscreen or on a bare
X server. The banner is always there; these only add to it.
"""

from __future__ import annotations

import importlib
import math
import struct
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.followup_items import FollowUpItem, place, what_happened
from app.i18n import _, ngettext
from ui import icons

CHIME_HZ = (880.0, 1320.0)
CHIME_S = 0.18
RATE = 22050


def _load_multimedia() -> ModuleType | None:
    try:
        return importlib.import_module("PySide6.QtMultimedia")
    except ImportError:
        return None


def write_chime(path: Path) -> Path:
    """Two short tones, fading out: audible across a busy room, not alarming."""
    frames = bytearray()
    for tone in CHIME_HZ:
        count = int(RATE * CHIME_S)
        for n in range(count):
            fade = 1.0 - n / count
            sample = int(0.5 * 32767 * fade * math.sin(2 * math.pi * tone * n / RATE))
            frames += struct.pack("<h", sample)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


class Alerter(QObject):
    """Plays the chime and shows the tray balloon for due and escalated follow-ups.

    ``multimedia`` and ``tray_available`` can be handed in (tests); by default they are
    looked up the first time something is announced. ``last_sound`` says what was used:
    ``"chime"``, ``"beep"`` or ``None``.
    """

    def __init__(self, parent: QObject | None = None, *,
                 multimedia: Callable[[], ModuleType | None] = _load_multimedia,
                 tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
                 tray_factory: Callable[[QObject], QSystemTrayIcon] | None = None) -> None:
        super().__init__(parent)
        self._multimedia = multimedia
        self._tray_available = tray_available
        self._tray_factory = tray_factory or self._make_tray
        self._effect = None
        self._sound_checked = False
        self.tray: QSystemTrayIcon | None = None
        self.last_sound: str | None = None
        self.announced = 0

    # -- what the scheduler calls -----------------------------------------------------------
    def announce_due(self, items: list[FollowUpItem]) -> None:
        if not items:
            return
        first = items[0]
        body = _("{place}: {what}").format(place=place(first), what=what_happened(first))
        if len(items) > 1:
            body = ngettext("{first} and {n} more", "{first} and {n} more",
                            len(items) - 1).format(first=body, n=len(items) - 1)
        self._announce(_("Time to check on the guest"), body)

    def announce_escalated(self, items: list[FollowUpItem]) -> None:
        if not items:
            return
        body = "; ".join(_("{place}: {what}").format(place=place(i), what=what_happened(i))
                         for i in items[:3])
        self._announce(_("Escalated: nobody has checked on the guest yet"), body)

    def _announce(self, title: str, body: str) -> None:
        self.announced += 1
        self.play_sound()
        self.notify(title, body)

    # -- sound ------------------------------------------------------------------------------
    def play_sound(self) -> str | None:
        effect = self._sound_effect()
        if effect is not None:
            effect.play()
            self.last_sound = "chime"
        elif QApplication.instance() is not None:
            QApplication.beep()
            self.last_sound = "beep"
        else:
            self.last_sound = None
        return self.last_sound

    def _sound_effect(self):
        if self._sound_checked:
            return self._effect
        self._sound_checked = True
        module = self._multimedia()
        if module is None:
            return None
        try:
            if not module.QMediaDevices.audioOutputs():
                return None
            path = Path(tempfile.gettempdir()) / "comeback-chime.wav"
            if not path.exists():
                write_chime(path)
            effect = module.QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            self._effect = effect
        except (AttributeError, OSError, RuntimeError):
            self._effect = None  # a broken or partial audio stack: the banner still shows
        return self._effect

    # -- tray -------------------------------------------------------------------------------
    def notify(self, title: str, body: str) -> bool:
        """Show a tray balloon; False where there is no system tray."""
        if self.tray is None:
            if not self._tray_available():
                return False
            self.tray = self._tray_factory(self)
            self.tray.show()
        self.tray.showMessage(title, body, QSystemTrayIcon.Information, 15_000)
        return True

    def _make_tray(self, parent: QObject) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(icons.icon("bell", 32), parent)
        tray.setToolTip(_("Comeback"))
        return tray
