"""Forms of the editors' desk (the admin and its /review/desk/ face): they parse input for one service call each."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, PublicationChange, RevisionProvenance
from articles.parsing import MAX_INT
from articles.validators import SingleLineValidator
from reviews.models import ReviewerProfile

DEFAULT_REVIEW_DAYS = 14
# A date input takes and shows only ISO dates, whatever the locale formats dates as.
ISO_DATE = "%Y-%m-%d"


def end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


ONE_LINE_REASON = SingleLineValidator("A reason")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        validators=[ONE_LINE_REASON],
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="One line, recorded in the article's history and the audit log.",
    )


class StepForm(ReasonForm):
    """A workflow button's reason; a blank one goes to the workflow, which names it."""

    reason = forms.CharField(max_length=2000, required=False, validators=[ONE_LINE_REASON])


class ChangeLineForm(ReasonForm):
    """The public corrections and updates log line of a publication (required when the body or references
    change; the service says so)."""

    change_kind = forms.ChoiceField(
        label="Public change", required=False, choices=[("", "none (first or unchanged publication)"),
                                                       *PublicationChange.Kind.choices],
    )  # fmt: skip
    change_reason = forms.CharField(
        label="Public reason", required=False, max_length=200,
        help_text="One line readers see in the log; required when the body or references changed.",
    )  # fmt: skip

    def clean_change_reason(self) -> str:
        value = self.cleaned_data["change_reason"]
        if "\n" in value or "\r" in value:
            raise forms.ValidationError("Write the public reason as one line.")
        return value.strip()


class PublishForm(ChangeLineForm):
    revision = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_INT, help_text="Empty: the current revision."
    )
    provisional = forms.BooleanField(required=False, help_text="Publish an unapproved revision with a banner.")


class ScheduleForm(ChangeLineForm):
    publish_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help_text="In the site's time zone.",
    )
    provisional = forms.BooleanField(required=False)


class ProvenanceForm(forms.Form):
    """How the current revision was made; the model's rules name what each method needs."""

    method = forms.ChoiceField(choices=RevisionProvenance.Method.choices)
    ai_tool = forms.CharField(label="AI tool", required=False, max_length=200)
    ai_use = forms.CharField(label="What the AI did", required=False, max_length=2000)
    source_url = forms.CharField(label="Source address", required=False, max_length=1000)
    source_review_claim = forms.CharField(label="The source's own “Reviewed by” line", required=False, max_length=500)

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == RevisionProvenance.Method.AI_ASSISTED:
            for name, message in (
                ("ai_tool", "Name the AI tool that was used."),
                ("ai_use", "Say what the AI tool did."),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        if method == RevisionProvenance.Method.IMPORTED and not (data.get("source_url") or "").strip():
            self.add_error("source_url", "Give the address the text was imported from.")
        return data


class CredentialsCheckForm(forms.Form):
    """What an editor checked about a reviewer, against which public register, and when to check again."""

    checked = forms.CharField(
        label="What you checked", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. MD degree, FRCR certification, licence L-1234 in good standing.",
    )  # fmt: skip
    register = forms.CharField(
        label="Public register", max_length=300, help_text="e.g. GMC List of Registered Medical Practitioners."
    )
    recheck_due = forms.DateField(
        label="Check again by", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: a year from today (CREDENTIALS_RECHECK_DAYS).",
    )  # fmt: skip


class ReviewDueForm(ReasonForm):
    next_review_due = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Empty: no re-review date."
    )


class RevertForm(ReasonForm):
    number = forms.IntegerField(min_value=1, max_value=MAX_INT)
    expected_revision = forms.IntegerField(required=False, min_value=1, max_value=MAX_INT, widget=forms.HiddenInput)


class SwapReferenceForm(RevertForm):
    """Swap preprint reference ``number`` for the published version the report names."""


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
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        help_text="The review is due by the end of this day.",
    )
    override_reason = forms.CharField(
        label="Reason to override a reviewer's cap",
        required=False,
        max_length=1000,
        validators=[ONE_LINE_REASON],
        help_text="Only needed when a chosen reviewer already holds their maximum of open assignments.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)})
        super().__init__(*args, **kwargs)

    def due_at(self) -> datetime:
        return end_of_day(self.cleaned_data["due_on"])


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=ReviewerProfile.objects.filter(active=True).order_by("display_name"))
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE))
    reason = forms.CharField(label="Why reassign", max_length=1000, validators=[ONE_LINE_REASON])
    override_reason = forms.CharField(
        label="Reason to override the reviewer's cap", required=False, max_length=1000, validators=[ONE_LINE_REASON]
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)})
        super().__init__(*args, **kwargs)

    def due_at(self) -> datetime:
        return end_of_day(self.cleaned_data["due_on"])


class CompareViewForm(forms.Form):
    """How a comparison shows the body: the changed paragraphs only, or the whole body side by side."""

    view = forms.ChoiceField(required=False, choices=[("changed", "Changed paragraphs only"), ("whole", "Whole body")])


class AuditFilterForm(forms.Form):
    article = forms.CharField(
        required=False, max_length=300, label="Article",
        help_text="Words of its title, its slug, or its number.",
        widget=forms.TextInput(attrs={"list": "audit-articles", "autocomplete": "off"}),
    )  # fmt: skip
    actor = forms.CharField(required=False, max_length=150, label="Actor (username)")
    transition = forms.CharField(required=False, max_length=32)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE))

    def clean_article(self) -> int | None:
        """The one article the words name: its number, its slug, its title, or title words matching only it."""
        text = self.cleaned_data["article"].strip()
        if not text:
            return None
        if text.isascii() and text.isdigit():
            exact = Article.objects.filter(pk=int(text)) if len(text) < 19 else Article.objects.none()
        else:
            exact = Article.objects.filter(Q(slug=text) | Q(title__iexact=text))
        found = list(exact.values_list("pk", "title")[:2])
        if not found and not text.isdigit():
            found = list(Article.objects.filter(title__icontains=text).order_by("title").values_list("pk", "title")[:6])
        if not found:
            raise forms.ValidationError(f"No article is called or numbered “{text}”.")
        if len(found) > 1:
            names = "; ".join(f"“{title}”" for _, title in found[:5])
            raise forms.ValidationError(f"“{text}” names more than one article: {names}. Give more of the title.")
        return found[0][0]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError("“Since” must not be after “until”.")
        return cleaned
