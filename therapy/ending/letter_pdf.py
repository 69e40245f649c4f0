"""The goodbye letter as a PDF (fpdf2, pure Python).

The built-in PDF fonts cover Latin-1 only, so typographic punctuation is turned into
its plain equivalent and any other character outside Latin-1 becomes '?'. The text
is otherwise exactly the letter the patient reads in the portal."""

from fpdf import FPDF

from dit_portal.core.timefmt import local

PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
    }
)


def _latin1(text):
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def letter_pdf(letter, clinic):
    """The letter as PDF bytes: the clinic, the date it was shared, the patient's
    name, the three parts of the letter and the therapist's name."""
    course = letter.course
    pdf = FPDF(format="A4")
    pdf.set_title("Your goodbye letter")
    pdf.set_author(_latin1(course.therapist.full_name))
    pdf.set_lang("en-GB")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    def block(text, size=11, style="", gap=4):
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(0, size * 0.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    block(clinic.name, size=10, gap=1)
    if letter.shared_session_id:
        block(f"{local(letter.shared_session.start):%-d %B %Y}", size=10)
    block(f"Dear {course.patient.user.full_name},", size=12, gap=6)
    for heading, text in letter.sections():
        block(heading, size=13, style="B", gap=2)
        block(text or "", size=12, gap=6)
    block("With best wishes,", size=12, gap=2)
    block(course.therapist.full_name, size=12, gap=8)
    block(
        f"If you have concerns about your care, you can contact PALS "
        f"(Patient Advice and Liaison Service){': ' + clinic.pals_phone if clinic.pals_phone else ''}.",
        size=9,
    )
    return bytes(pdf.output())
