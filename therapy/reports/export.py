"""CSV downloads of the reports. Every cell goes through `safe_cell`: a spreadsheet
reads a cell starting with = + - @ (or a tab or carriage return) as a formula, so
such a cell is prefixed with an apostrophe and shown as text (OWASP's advice)."""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value  # a number is never read as a formula, negative or not
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename, header, rows):
    """A CSV download (with a byte-order mark, so Excel reads it as UTF-8)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response
