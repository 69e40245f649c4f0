"""The service reports (waiting times, attendance, outcomes, caseloads) on screen, as
SVG charts and as CSV. Who may open which: access.py."""
