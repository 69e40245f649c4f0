"""The goodbye letter as a PDF (fpdf2, pure Python), in the DejaVu Sans font.

DejaVu is a Unicode font from Debian's fonts-dejavu-core package (installed by
`make test`'s set-up and by the image), embedded in the PDF, so names such as
Łukasz, Siobhán or Nguyễn print as written. The text is exactly the letter the
patient reads in the portal, under the clinic's letterhead, aligned left."""

from dit_portal.core.timefmt import local

from .letter_font import FONT, font_files


def pals_line(clinic):
    parts = [clinic.pals_phone, clinic.pals_email]
    contact = ", ".join(part for part in parts if part)
    hours = f" ({clinic.pals_hours})" if clinic.pals_hours and contact else ""
    return (
        "If you have concerns about your care, you can contact the Patient Advice "
        "and Liaison Service (PALS)" + (f": {contact}{hours}." if contact else ".")
    )


def letter_pdf(letter, clinic):
    """The letter as PDF bytes: the clinic's letterhead, the date it was shared, the
    patient's name, the three parts of the letter, the therapist's name, and PALS."""
    # Imported here, not at the top: fpdf2 and fontTools take a third of a second
    # and tens of MB to import, and only this download needs them, so processes
    # start without them (tests/test_startup.py).
    from fpdf import FPDF

    course = letter.course
    pdf = FPDF(format="A4")
    for style, path in font_files().items():
        pdf.add_font(FONT, style=style, fname=str(path))
    pdf.set_title("Your goodbye letter")
    pdf.set_author(course.therapist.full_name)
    pdf.set_lang("en-GB")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    def block(text, size=11, style="", gap=4):
        pdf.set_font(FONT, style=style, size=size)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    block(clinic.name, size=13, style="B", gap=1)
    for line in [*clinic.address.splitlines(), clinic.phone]:
        if line.strip():
            block(line.strip(), size=10, gap=0)
    pdf.ln(6)
    if letter.shared_session_id:
        block(f"{local(letter.shared_session.start):%-d %B %Y}", size=10)
    block(f"Dear {course.patient.user.full_name},", size=12, gap=6)
    for heading, text in letter.sections():
        block(heading, size=13, style="B", gap=2)
        block(text or "", size=12, gap=6)
    block("With best wishes,", size=12, gap=2)
    block(course.therapist.full_name, size=12, gap=8)
    block(pals_line(clinic), size=9)
    return bytes(pdf.output())
