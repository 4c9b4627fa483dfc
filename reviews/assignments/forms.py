"""Forms of the reviewer pages and the editors' desk. They parse input; the services decide."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from reviews.models import CHECKLIST, ReviewAssignment, ReviewerProfile

DEFAULT_REVIEW_DAYS = 14


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


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

    revision = forms.IntegerField(widget=forms.HiddenInput)
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


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_line


class AssignForm(forms.Form):
    reviewers = ReviewerChoiceField(
        queryset=ReviewerProfile.objects.filter(active=True).order_by("display_name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reviewer."},
    )
    due_on = forms.DateField(
        label="Due on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The review is due by the end of this day.",
    )
    override_reason = forms.CharField(
        label="Reason to override a reviewer's cap",
        required=False,
        max_length=1000,
        help_text="Only needed when a chosen reviewer already holds their maximum of open assignments.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)})
        super().__init__(*args, **kwargs)

    def due_at(self) -> datetime:
        return _end_of_day(self.cleaned_data["due_on"])


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=ReviewerProfile.objects.filter(active=True).order_by("display_name"))
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why reassign", max_length=1000)
    override_reason = forms.CharField(label="Reason to override the reviewer's cap", required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)})
        super().__init__(*args, **kwargs)

    def due_at(self) -> datetime:
        return _end_of_day(self.cleaned_data["due_on"])


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
