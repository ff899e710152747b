"""The dark counter theme: a calm palette, large legible type, one style sheet.

Colours are named for what they mean (``OK`` for a saved incident, ``ALERT`` for "call the
manager now"), so widgets never hard-code a hex value; the style sheet selects widgets by
object name (``#Tile``) and by dynamic properties (``[state="flagged"]``).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BG = "#14181D"          # window
SURFACE = "#1E242B"     # tiles, panels
SURFACE_HI = "#27303A"  # hover
SURFACE_DOWN = "#33404D"  # pressed
BORDER = "#323C47"
TEXT = "#E8EDF2"
MUTED = "#9AA8B5"
ACCENT = "#5AA9E6"      # focus, suggested, picked
OK = "#2F8F5B"          # saved
OK_BG = "#173326"
WARN = "#E0A23A"        # needs a PIN
ALERT = "#E05A4F"       # call the manager now
ALERT_BG = "#4A1C1A"
SAY_BG = "#1A2B38"      # the apology line

FONT_FAMILY = "DejaVu Sans"
BASE_PT = 12
TILE_PT = 18
TILE_SUB_PT = 14
TILE_BIG_PT = 24  # on a big screen's big tiles: readable from arm's length
TILE_SUB_BIG_PT = 17
TILE_COMPACT_PT = 15
TILE_SUB_COMPACT_PT = 12
HEADING_PT = 20
SAY_PT = 19

QSS = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, #CounterPage, QStackedWidget {{ background: {BG}; }}
#NavBar {{ background: #101317; border-bottom: 1px solid {BORDER}; }}
#NavBar QPushButton {{ background: transparent; border: none; padding: 6px 16px;
    color: {MUTED}; border-radius: 8px; }}
#NavBar QPushButton:checked {{ color: {TEXT}; background: {SURFACE}; }}

QPushButton {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px;
    padding: 8px 16px; min-height: 36px; }}
QPushButton:hover {{ background: {SURFACE_HI}; }}
QPushButton:pressed {{ background: {SURFACE_DOWN}; }}
QPushButton:disabled {{ color: #5C6975; }}
QPushButton:focus {{ border-color: {ACCENT}; }}

#Tile {{ background: {SURFACE}; border: 2px solid {BORDER}; border-radius: 16px;
    padding: 0; text-align: left; }}
#Tile:hover {{ background: {SURFACE_HI}; }}
#Tile:pressed {{ background: {SURFACE_DOWN}; }}
#Tile[suggested="true"] {{ border-color: #3F6F93; }}
#Tile[picked="true"] {{ border-color: {ACCENT}; background: #1D3447; }}
#TileAdd {{ min-width: 52px; max-width: 52px; min-height: 52px; max-height: 52px;
    padding: 0; border-radius: 26px; background: {SURFACE_HI}; }}
#TileAdd:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
#TileAdd[compact="true"] {{ min-width: 40px; max-width: 40px; min-height: 40px;
    max-height: 40px; border-radius: 20px; }}

#Heading {{ font-size: {HEADING_PT}pt; font-weight: 600; }}
#Muted {{ color: {MUTED}; }}
#Status {{ color: {MUTED}; font-size: 13pt; }}
#Status[kind="error"] {{ color: #F08A80; }}
#SayThis {{ background: {SAY_BG}; border-left: 6px solid {ACCENT};
    border-top-right-radius: 10px; border-bottom-right-radius: 10px;
    padding: 12px 18px; font-size: {SAY_PT}pt; }}
#BigButton {{ font-size: 15pt; min-height: 52px; padding: 6px 22px; border-radius: 12px; }}
#Primary {{ font-size: 16pt; font-weight: 700; min-height: 56px; padding: 6px 28px;
    background: {OK}; border-color: {OK}; border-radius: 12px; }}
#Primary:hover {{ background: #37A568; }}
#StaffButton, #BackButton {{ font-size: 14pt; min-height: 48px; padding: 4px 18px;
    border-radius: 24px; }}
#DetailsToggle {{ font-size: 14pt; min-height: 48px; padding: 4px 18px; border-radius: 24px; }}
#DetailsToggle:checked {{ border-color: {ACCENT}; background: #1D3447; }}
#PendingBar {{ background: #1D3447; border: 1px solid {ACCENT}; border-radius: 12px; }}
#PendingText {{ font-size: 15pt; }}

#ConfirmBar {{ background: {OK_BG}; border-top: 3px solid {OK}; }}
#ConfirmBar[state="flagged"] {{ background: {ALERT_BG}; border-top: 3px solid {ALERT}; }}
#ConfirmBar QLabel {{ background: transparent; }}
#ConfirmTitle {{ font-size: 16pt; font-weight: 700; }}
#ConfirmLine {{ font-size: 13pt; color: #CFE3D6; }}
#ConfirmBar #FlagLine {{ font-size: 16pt; font-weight: 800; color: #FFFFFF; background: {ALERT};
    border-radius: 8px; padding: 3px 14px; }}
#ConfirmBar #BigButton {{ padding: 0px 14px; min-height: 40px; max-height: 40px; font-size: 13pt; }}
#UndoButton {{ font-size: 15pt; font-weight: 700; min-height: 52px; min-width: 150px;
    border-radius: 12px; background: #2A3642; }}

#TablePad {{ background: {SURFACE}; border: 2px solid {ACCENT}; border-radius: 14px; }}
#TablePad QLabel {{ background: transparent; }}
#TablePadTitle {{ font-size: 16pt; font-weight: 700; }}
#TablePadEntry {{ font-size: 24pt; font-weight: 700; min-height: 48px; }}
#PadDigit, #PadRecent, #PadOk {{ font-size: 20pt; font-weight: 600; min-height: 56px;
    min-width: 72px; padding: 0 10px; border-radius: 12px; }}
#PadRecent {{ border-color: {ACCENT}; }}
#PadOk {{ background: {OK}; border-color: {OK}; }}
#PinPad {{ background: {BG}; }}
#PinEntry {{ font-size: 30pt; letter-spacing: 10px; padding: 8px 14px; min-height: 64px;
    background: {SURFACE}; border: 2px solid {BORDER}; border-radius: 12px; }}
#PinEntry:focus {{ border-color: {ACCENT}; }}
#PinDigit, #PinClear {{ font-size: 24pt; font-weight: 600; min-height: 60px; min-width: 80px;
    max-width: 130px; padding: 0;
    border-radius: 14px; }}
#PinClear {{ font-size: 15pt; }}
#PinMessage {{ font-size: 14pt; color: #F08A80; }}
#PinMessage[kind="info"] {{ color: {MUTED}; }}

#DetailsPanel {{ background: {SURFACE}; border-left: 1px solid {BORDER}; }}
#DetailsPanel #Primary, #DetailsPanel #BigButton {{ font-size: 13pt; padding: 4px 10px;
    min-height: 48px; }}
#DetailsPanel QLabel, #DetailsScroll, #DetailsFields {{ background: transparent; }}
#FieldLabel {{ color: {MUTED}; font-size: 11pt; margin-top: 4px; }}
#CloseButton {{ font-size: 18pt; min-height: 40px; max-height: 40px; min-width: 48px;
    max-width: 48px; padding: 0; border-radius: 20px; }}
QLineEdit, QPlainTextEdit {{ background: {BG}; border: 1px solid {BORDER}; border-radius: 8px;
    padding: 5px 10px; font-size: 14pt; selection-background-color: {ACCENT}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {ACCENT}; }}
#SeverityButton {{ font-size: 11pt; min-height: 44px; padding: 2px 4px; }}
#SeverityButton:checked {{ background: #1D3447; border-color: {ACCENT}; }}
#SeverityButton[level="high"]:checked {{ background: {ALERT_BG}; border-color: {ALERT}; }}
"""


def counter_font(point_size: int = BASE_PT, weight: int = 400) -> QFont:
    """The theme's font at ``point_size`` (for text whose size changes with room)."""
    font = QFont(FONT_FAMILY)
    font.setPointSize(point_size)
    font.setWeight(QFont.Weight(weight))
    return font


def palette() -> QPalette:
    pal = QPalette()
    for role, colour in ((QPalette.Window, BG), (QPalette.WindowText, TEXT),
                         (QPalette.Base, BG), (QPalette.AlternateBase, SURFACE),
                         (QPalette.Text, TEXT), (QPalette.Button, SURFACE),
                         (QPalette.ButtonText, TEXT), (QPalette.Highlight, ACCENT),
                         (QPalette.HighlightedText, BG), (QPalette.ToolTipBase, SURFACE),
                         (QPalette.ToolTipText, TEXT), (QPalette.PlaceholderText, MUTED)):
        pal.setColor(role, QColor(colour))
    return pal


def apply_theme(app: QApplication, *, style_sheet: bool = True) -> None:
    """Dark palette, the base font and the style sheet, for the whole application.

    ``style_sheet=False`` leaves the sheet to :func:`apply_style_sheet`, for a caller that
    builds a window first: under a style sheet each widget is styled once when made and
    again when a layout puts it in its parent, ~7 ms over the counter page at start-up.
    """
    app.setFont(counter_font())
    app.setPalette(palette())
    if style_sheet:
        apply_style_sheet(app)


def apply_style_sheet(app: QApplication) -> None:
    if app.styleSheet() != QSS:
        app.setStyleSheet(QSS)
