"""Forms of the comment threads: bounded fields (Django's CharField refuses NUL characters). The comment's
field is ``text`` (the service's ``body``): ``body`` on the article's change page is the article's own text."""

from django import forms

from reviews.comments.services import MAX_BODY

MAX_ID = 2**31 - 1


class CommentStartForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    paragraph = forms.IntegerField(label="Paragraph", min_value=1, max_value=100_000)
    quote = forms.CharField(
        label="Passage", required=False, max_length=2000, widget=forms.HiddenInput,
        help_text="Filled with the text you select in the paragraph; empty: the whole paragraph.",
    )  # fmt: skip
    text = forms.CharField(label="Your comment", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 3}))


class CommentReplyForm(forms.Form):
    text = forms.CharField(label="Reply", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 2}))


class CommentNoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=MAX_BODY)
