"""Where the goodbye letter's font is. Apart from letter_pdf so that the start-up
check (therapy.apps) can look for it without importing fpdf2 into every process."""

from pathlib import Path

from django.conf import settings

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def font_files():
    """The font files the letter needs, by style; missing ones are named by the
    system check so a server without them says so at start-up."""
    folder = Path(settings.LETTER_FONT_DIR)
    return {style: folder / name for style, name in FONT_FILES.items()}
