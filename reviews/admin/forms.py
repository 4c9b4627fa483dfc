"""Forms of the editors' desk (the admin and its /review/desk/ face): they parse input for one service call each."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from articles.parsing import MAX_ID, MAX_INT
from reviews.models import ReviewerProfile

DEFAULT_REVIEW_DAYS = 14


def end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the article's history and the audit log.",
    )


class PublishForm(ReasonForm):
    revision = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_INT, help_text="Empty: the current revision."
    )
    provisional = forms.BooleanField(required=False, help_text="Publish an unapproved revision with a banner.")


class ScheduleForm(ReasonForm):
    publish_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help_text="In the site's time zone.",
    )
    provisional = forms.BooleanField(required=False)


class RevertForm(ReasonForm):
    number = forms.IntegerField(min_value=1, max_value=MAX_INT)
    expected_revision = forms.IntegerField(required=False, min_value=1, max_value=MAX_INT, widget=forms.HiddenInput)


class OverrideForm(ReasonForm):
    keys = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, findings: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = [(f["key"], f"{f['rule']}: {f['message']}") for f in findings]


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
        return end_of_day(self.cleaned_data["due_on"])


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=ReviewerProfile.objects.filter(active=True).order_by("display_name"))
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why reassign", max_length=1000)
    override_reason = forms.CharField(label="Reason to override the reviewer's cap", required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)})
        super().__init__(*args, **kwargs)

    def due_at(self) -> datetime:
        return end_of_day(self.cleaned_data["due_on"])


class AuditFilterForm(forms.Form):
    article = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Article id")
    actor = forms.CharField(required=False, max_length=150, label="Actor (username)")
    transition = forms.CharField(required=False, max_length=32)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError("“Since” must not be after “until”.")
        return cleaned
