"""Forms of the article desk: they parse input for one service call each, nothing more."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from reviews.models import ReviewerProfile


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=1000, help_text="Recorded in the article's history and the audit log.")


class PublishForm(ReasonForm):
    revision = forms.IntegerField(required=False, min_value=1, help_text="Empty: the current revision.")
    provisional = forms.BooleanField(required=False, help_text="Publish an unapproved revision with a banner.")


class ScheduleForm(ReasonForm):
    publish_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help_text="In the site's time zone.",
    )
    provisional = forms.BooleanField(required=False)


class RevertForm(ReasonForm):
    number = forms.IntegerField(min_value=1)
    expected_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OverrideForm(ReasonForm):
    keys = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, findings: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = [(f["key"], f"{f['rule']}: {f['message']}") for f in findings]


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=ReviewerProfile.objects.filter(active=True).order_by("display_name"))
    due_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        initial=lambda: (timezone.localtime() + timedelta(days=14)).replace(second=0, microsecond=0),
    )
    override_reason = forms.CharField(
        required=False, max_length=500, help_text="Only to exceed a reviewer's cap of open assignments."
    )


class AuditFilterForm(forms.Form):
    article = forms.IntegerField(required=False, min_value=1, label="Article id")
    actor = forms.CharField(required=False, max_length=150, label="Actor (username)")
    transition = forms.CharField(required=False, max_length=32)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError("“Since” must not be after “until”.")
        return cleaned
