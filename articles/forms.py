"""Forms of the public reader site, and the editors' answer to a reader's report."""

from django import forms

from articles.models import ErrorReport
from articles.validators import SingleLineValidator


class ErrorReportForm(forms.Form):
    """A reader's report of a problem with a page; no account needed.

    ``website`` is a honeypot: hidden from people (and from assistive technology), so only a bot
    fills it in. A filled honeypot is answered like a success and nothing is stored.
    """

    category = forms.ChoiceField(label="What is wrong?", choices=ErrorReport.Category.choices)
    message = forms.CharField(
        label="Tell us what you found", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, min_length=5
    )
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        help_text="Only to tell you when we publish a correction. We do not use it for anything else.",
    )
    website = forms.CharField(label="Leave this empty", required=False)

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class DismissForm(forms.Form):
    """Why an editor dismisses readers' reports: one line, shown to editors only."""

    dismissed_reason = forms.CharField(
        label="Reason", max_length=2000, validators=[SingleLineValidator("A reason")],
        error_messages={"required": "Say why the reports are dismissed."},
    )  # fmt: skip
