"""A process starts without what only some pages need: the goodbye letter's PDF
library (fpdf2 and its fontTools) is imported when a letter is downloaded, the bank
holidays when planning first asks, not when Django loads the URLs
(docs/performance.md: start-up and memory)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views, as a web worker loads them
print(sorted(m for m in ("fpdf", "fontTools", "holidays") if m in sys.modules))
"""


def test_loading_every_page_imports_neither_the_pdf_library_nor_holidays(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "dit_portal.settings")
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
