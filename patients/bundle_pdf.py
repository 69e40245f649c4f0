"""The subject access bundle as a PDF, from the same dict as the JSON
(patients.bundle), in the DejaVu Sans font the goodbye letter embeds, so names in
any script print as written."""

import datetime

from therapy.ending.letter_font import FONT, font_files

DETAIL_LABELS = {
    "full_name": "Name",
    "email": "Email",
    "nhs_number": "NHS number",
    "date_of_birth": "Date of birth",
    "phone": "Phone",
    "gp_practice": "GP practice",
    "referral_date": "Referred on",
    "status": "Where you are",
    "assigned_therapist": "Your therapist",
}
DETAIL_DATES = {"date_of_birth", "referral_date"}


def _day(iso):
    """'2 March 2027' from the bundle's ISO time (already UK time)."""
    if not iso:
        return "date not recorded"
    at = datetime.datetime.fromisoformat(iso)
    return f"{at.day} {at:%B %Y}"


def _time(iso):
    at = datetime.datetime.fromisoformat(iso)
    return f"{_day(iso)}, {at:%H:%M}"


class _Writer:
    def __init__(self, title):
        # Imported here, as for the letter: only this download needs fpdf2, and
        # processes start without it (tests/test_startup.py).
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        for style, path in font_files().items():
            self.pdf.add_font(FONT, style=style, fname=str(path))
        self.pdf.set_title(title)
        self.pdf.set_lang("en-GB")
        self.pdf.set_margins(20, 20, 20)
        self.pdf.add_page()

    def text(self, words, size=10, style="", gap=1):
        self.pdf.set_font(FONT, style=style, size=size)
        self.pdf.multi_cell(
            0, size * 0.5, str(words), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.ln(gap)

    def heading(self, words):
        self.pdf.ln(4)
        self.text(words, size=14, style="B", gap=2)

    def none(self, words):
        self.text(words, gap=2)


def _sections(out, bundle):
    out.heading("Your sessions")
    for session in bundle["sessions"]:
        out.text(
            f"Session {session['number']}: {session['when']}, "
            f"{session['attendance']} ({session['place'] or 'place not set'}, "
            f"with {session['therapist']})"
        )
    if not bundle["sessions"]:
        out.none("No sessions.")
    out.heading("Your questionnaire answers")
    for sent in bundle["questionnaires"]:
        score = (
            f", score {sent['score']} ({sent['band']})"
            if sent["score"] is not None
            else ""
        )
        out.text(
            f"{sent['questionnaire']}, sent {_day(sent['sent'])}{score}", style="B"
        )
        for answer in sent["answers"]:
            out.text(f"{answer['question']}: {answer['answer']}", size=9)
        out.pdf.ln(2)
    if not bundle["questionnaires"]:
        out.none("No questionnaires sent.")
    out.heading("Your focus agreement")
    for focus in bundle["focus_agreements"]:
        out.text(f"Version {focus['version']} ({focus['status']})", style="B")
        out.text(focus["summary"])
        if focus["your_comment"]:
            out.text(f"Your comment: {focus['your_comment']}")
    if not bundle["focus_agreements"]:
        out.none("No focus was shared with you.")
    out.heading("Your letters")
    for letter in bundle["letters"]:
        out.text(f"From {letter['from']}", style="B")
        for section in letter["sections"]:
            out.text(section["heading"], style="B")
            out.text(section["text"], gap=2)
    if not bundle["letters"]:
        out.none("No letters.")


def _notes(out, bundle):
    out.heading("Clinical notes")
    for note in bundle["clinical_notes"]:
        out.text(
            f"Session {note['session_number']}, by {note['written_by']} "
            f"({note['status']})",
            style="B",
        )
        for section in note["sections"]:
            if section["text"]:
                out.text(f"{section['heading']}: {section['text']}")
        for addendum in note["addenda"]:
            out.text(f"Added by {addendum['written_by']}: {addendum['text']}")
        out.pdf.ln(2)
    if not bundle["clinical_notes"]:
        out.none("No clinical notes.")


def bundle_pdf(bundle):
    out = _Writer("Your information")
    out.text(bundle["clinic"]["name"], size=13, style="B")
    out.text(
        f"Your information, as held on {_day(bundle['produced'])}",
        size=16,
        style="B",
        gap=4,
    )
    out.heading("Your details")
    for key, label in DETAIL_LABELS.items():
        value = bundle["details"][key]
        if value and key in DETAIL_DATES:
            value = _day(value)  # the JSON's ISO date, as the portal's pages say it
        out.text(f"{label}: {value or 'not recorded'}")
    _sections(out, bundle)
    out.heading("Messages sent to you")
    for message in bundle["messages"]:
        out.text(
            f"{_day(message['sent'])}: {message['message']} "
            f"({', '.join(message['by']) or 'channel not recorded'})"
        )
    if not bundle["messages"]:
        out.none("No messages.")
    if bundle["includes_clinical_notes"]:
        _notes(out, bundle)
    out.heading("Who has looked at your record")
    for access in bundle["access_list"]:
        out.text(
            f"{_time(access['when'])}: {access['who']} ({access['role']}), {access['what']}",
            size=9,
        )
    if not bundle["access_list"]:
        out.none("Nobody on the staff has looked at your record yet.")
    return bytes(out.pdf.output())
