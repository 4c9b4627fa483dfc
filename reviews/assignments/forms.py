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


class DecisionSelect(forms.RadioSelect):
    """Radio buttons of which some can be shown disabled (Approve while errors block it)."""

    disabled_values: frozenset[str] = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"] = {**option["attrs"], "disabled": True, "aria-describedby": "approve-blocked"}
        return option


class ReviewForm(forms.Form):
    """The decision form; the warnings to acknowledge come from the page's reference report."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    decision = forms.ChoiceField(
        widget=DecisionSelect,
        choices=ReviewAssignment.Decision.choices,
        error_messages={"required": "Choose a decision: approve or request changes."},
    )
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text="Required when you request changes; the author and the editors read them.",
    )
    password = forms.CharField(
        label="Your password, to sign",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=256,
        strip=False,
        error_messages={"required": "Enter your password to sign the decision."},
        help_text="Signing records your name, credentials, the date and time, and what your decision means.",
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

    def block_approval(self, reason: str) -> None:
        """Show Approve disabled with the reason (the decision service refuses it anyway)."""
        self.approval_blocked = reason
        self.fields["decision"].widget.disabled_values = frozenset({ReviewAssignment.Decision.APPROVE.value})

    def checklist(self) -> dict:
        return {key: self.cleaned_data.get(f"check_{key}", False) for key, _label in CHECKLIST}

    def checklist_fields(self):
        return [self[f"check_{key}"] for key, _label in CHECKLIST]


class CreditConsentForm(forms.Form):
    consents_to_public_credit = forms.BooleanField(
        required=False,
        label="Name me in the public “reviewed by” credit of articles I approve",
        help_text="Unticked, readers see “a board reviewer who asked not to be named” with your degree and "
        "specialty, and your approval does not count where a topic requires credited sign-off.",
    )
