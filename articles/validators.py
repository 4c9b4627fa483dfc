"""Field validators shared by every way text enters the product (admin forms, imports, services).

Single-line fields (titles, names, the reason given for a step) end up in email subjects and other
headers, where a line break is refused by the mail library (``BadHeaderError``: the email is never
sent) or splits the header, and in one-line records (the history, the audit log). Such values are
refused where they are written, so none is ever stored; so are other control characters (a bell, an
escape), which no one types and which no page or header shows.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Every character str.splitlines() breaks on: CR, LF, VT, FF, the file/group/record separators,
# NEL and the Unicode line and paragraph separators.
LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# The other C0 and C1 control characters and DEL; a tab is allowed (pasted text carries them).
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


@deconstructible
class SingleLineValidator:
    """Refuses a value containing a line break or another control character, naming the field."""

    def __init__(self, what: str = "This field") -> None:
        self.what = what

    def __call__(self, value) -> None:
        if isinstance(value, str) and LINE_BREAKS.search(value):
            raise ValidationError(
                "%(what)s must be a single line: remove the line break.",
                code="line_break",
                params={"what": self.what},
            )
        control = isinstance(value, str) and CONTROLS.search(value)
        if control:
            raise ValidationError(
                "%(what)s must be plain text: remove the control character U+%(code)04X.",
                code="control_character",
                params={"what": self.what, "code": ord(control.group())},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator) and other.what == self.what
