"""What a person may type into a text box. Control characters (line breaks, tabs, escape) and invisible
formatting characters (such as U+202E, which reverses how the rest of a line reads) are never part of an
answer: a line break in a name ends up in an e-mail header, and a reversed line misleads whoever reads it."""

import unicodedata

# Joiners are part of how some scripts and emoji are written, so they stay.
_ALLOWED_FORMAT = frozenset("\u200c\u200d")
_LINE_BREAKS = frozenset("\r\n")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds a control character (Unicode category Cc), an invisible formatting character
    (Cf, but for the joiners) or a line or paragraph separator. With `multiline`, carriage returns and line
    feeds are allowed (a text area's line breaks)."""
    for char in text:
        if multiline and char in _LINE_BREAKS:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp") or (category == "Cf" and char not in _ALLOWED_FORMAT):
            return True
    return False
