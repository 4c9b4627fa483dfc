"""The article change form of the editors' desk: the text, a reason, and the stale-copy checks."""

from django import forms

from articles.diffing import word_diff
from articles.models import Article
from articles.validators import SingleLineValidator
from articles.versions import changes_since
from reviews.admin.editor import PREVIEW_FIELD, PREVIEW_ONLY, BodyEditor
from reviews.exceptions import StaleArticle, StaleEdit
from reviews.workflow import transitions as workflow


class ArticleForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change", max_length=500, help_text="Recorded with the new revision.",
        validators=[SingleLineValidator("A reason")],
    )  # fmt: skip
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    non_material_reason = forms.CharField(
        label="Non-material edit: why", max_length=500, required=False, validators=[SingleLineValidator("A reason")],
        help_text="Only for a correction that does not change the medicine (a typo, a spelling). The approval "
        "is kept if no number, unit, dose, drug name, negation, citation marker or reference changes and few "
        "words change; otherwise the edit is saved as an ordinary one and the article is re-reviewed.",
    )  # fmt: skip

    class Meta:
        model = Article
        fields = ("title", "slug", "summary", "body", "topic", "audience", "variant_of", "anonymity")
        widgets = {"body": BodyEditor}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if PREVIEW_FIELD in self.data:  # a preview asks for no reason: nothing is saved
            self.fields["change_reason"].required = False

    def clean(self):
        """Refuse a save from an older version of the row or an older revision: the editor's text is shown
        back with what changed, and the fields the editor did not touch take their current values.
        A preview (the no-script path) is refused too: the page shows the text rendered, unsaved."""
        cleaned = super().clean()
        if PREVIEW_FIELD in self.data:
            raise forms.ValidationError(PREVIEW_ONLY)
        if not self.instance.pk:
            return cleaned
        expected, version = cleaned.get("expected_revision"), cleaned.get("expected_version")
        if expected is None or version is None:
            raise forms.ValidationError(
                "This form does not say which revision and version you started from; reload the page."
            )
        current = Article.objects.get(pk=self.instance.pk)
        self.data = self.data.copy()
        self.data["expected_version"] = current.version
        try:
            workflow.require_current(article=current, expected_revision=expected)
        except StaleEdit as stale:
            self.stale_diff = word_diff(current.body, cleaned.get("body") or "")
            self.stale_revision = current.revision
            # Saving again from here is a deliberate choice made after seeing the diff.
            self.data["expected_revision"] = current.revision
            raise forms.ValidationError(str(stale)) from None
        if version != current.version:  # what ``workflow.require_version`` refuses; the changes are read once
            changes = changes_since(article=current, version=version)
            self._take_current_values(current, changes, cleaned)
            stale = StaleArticle(expected=version, current=current.version, changes=changes.describe())
            raise forms.ValidationError(str(stale))
        return cleaned

    def _take_current_values(self, current: Article, changes, cleaned: dict) -> None:
        """Where the editor left a field as it was and someone else changed it, show the stored value."""
        for name, then in changes.then.items():
            if name not in self.fields or name in self.Meta.fields[:4]:
                continue
            mine = cleaned.get(name)
            if getattr(mine, "pk", mine) == then:
                value = getattr(current, Article._meta.get_field(name).attname)
                self.data[name] = "" if value is None else str(value)
