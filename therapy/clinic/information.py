"""The public information pages about DIT, in reading order (slug -> title)."""

INFORMATION_PAGES = {
    "about-dit": "What is Dynamic Interpersonal Therapy?",
    "treatment": "How treatment is planned",
    "sessions": "What sessions are like",
    "risks": "Risks and side effects",
}


def neighbours(slug):
    """(previous, next): the (slug, title) of the pages either side of `slug` in
    reading order, None at either end."""
    pages = list(INFORMATION_PAGES.items())
    index = list(INFORMATION_PAGES).index(slug)
    previous = pages[index - 1] if index > 0 else None
    following = pages[index + 1] if index + 1 < len(pages) else None
    return previous, following
