import re

_BLANK_LINE = re.compile(r"\n\s*\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a long text: a blank line separates them; line ends inside one are kept."""
    normalised = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in _BLANK_LINE.split(normalised) if p.strip()]


def paragraphs_and_lines(text: str) -> tuple[int, int]:
    """How many paragraphs a long text has, and how many lines in all (each paragraph
    has at least one; a line end inside a paragraph starts another)."""
    found = split_paragraphs(text)
    return len(found), sum(paragraph.count("\n") + 1 for paragraph in found)
