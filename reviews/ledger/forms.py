"""The claim ledger's form: one mark and an optional note per (claim, cited reference) of the page."""

from django import forms

from reviews.ledger.models import ClaimCheck
from reviews.ledger.services import MAX_NOTE


class LedgerForm(forms.Form):
    """Built from the page's ledger rows (``ledger.selectors.ledger_rows``); fields ``mark-<key>`` and
    ``note-<key>``. Keys the page does not show are not read; the service names a stale revision."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = []
        for row in rows:
            key = row.claim.key
            if key in self.keys:
                continue
            self.keys.append(key)
            self.fields[f"mark-{key}"] = forms.ChoiceField(
                choices=ClaimCheck.Mark.choices, required=False, initial=row.mark,
                error_messages={"invalid_choice": f"Reference {row.claim.number}: choose supports, does not support "
                                                  "or not checked."},
            )  # fmt: skip
            self.fields[f"note-{key}"] = forms.CharField(
                required=False, max_length=MAX_NOTE, initial=row.note,
                error_messages={"max_length": f"Reference {row.claim.number}: a note is {MAX_NOTE} characters at most"},
            )  # fmt: skip

    def clean(self):
        data = super().clean()
        if self.keys and not any(data.get(f"mark-{key}") for key in self.keys):
            raise forms.ValidationError("Mark at least one claim: supports, does not support or not checked.")
        return data

    def marks(self) -> dict[str, tuple[str, str]]:
        """Claim key → (mark, note) for each claim the reviewer marked."""
        out = {}
        for key in self.keys:
            mark = self.cleaned_data.get(f"mark-{key}")
            if mark:
                out[key] = (mark, self.cleaned_data.get(f"note-{key}") or "")
        return out

    def error_list(self) -> list[str]:
        return [str(message) for errors in self.errors.values() for message in errors]
