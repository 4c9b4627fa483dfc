"""Forms of the reviewer pages: answer an invitation, decide. They parse input; the services decide."""

from django import forms

from reviews.models import CHECKLIST, ReviewAssignment


class AcceptForm(forms.Form):
    conflict = forms.ChoiceField(
        label="Conflict of interest",
        widget=forms.RadioSelect,
        choices=[
            (ReviewAssignment.Conflict.NONE, "I have no conflict of interest with this article"),
            (ReviewAssignment.Conflict.INTEREST, "I declare an interest (describe it below)"),
        ],
        error_messages={"required": "Declare whether you have a conflict of interest."},
    )
    conflict_statement = forms.CharField(
        label="The interest you declare", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Why you decline", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class FindingKeysField(forms.MultipleChoiceField):
    """Warning keys the reviewer ticked. Not checked against the choices here: after an edit the
    keys are those of an older revision, and the service answers that with the stale-revision
    message and the diff rather than a bare "invalid choice"."""

    def valid_value(self, value) -> bool:
        return True


class ReviewForm(forms.Form):
    """The decision form; the warnings to acknowledge come from the page's reference report."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=ReviewAssignment.Decision.choices,
        error_messages={"required": "Choose a decision: approve or request changes."},
    )
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text="Required when you request changes; the author and the editors read them.",
    )
    acknowledged = FindingKeysField(label="Warnings acknowledged", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, warnings: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)
        self.offer_warnings(warnings)

    def offer_warnings(self, warnings: list[dict]) -> None:
        """The report's warnings as the choices to acknowledge (they are shown, never validated against)."""
        self.fields["acknowledged"].choices = [(w["key"], w["message"]) for w in warnings]

    def checklist(self) -> dict:
        return {key: self.cleaned_data.get(f"check_{key}", False) for key, _label in CHECKLIST}

    def checklist_fields(self):
        return [self[f"check_{key}"] for key, _label in CHECKLIST]
