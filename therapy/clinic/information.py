"""The public information pages about DIT, in reading order (slug -> title)."""

INFORMATION_PAGES = {
    "about-dit": "What is Dynamic Interpersonal Therapy?",
    "treatment": "How treatment is planned",
    "sessions": "What sessions are like",
    "risks": "Risks and side effects",
}
