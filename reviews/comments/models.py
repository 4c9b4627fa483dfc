"""Comment threads anchored to a passage of a revision (data only). Imported by ``reviews.models``.

Nothing in the product edits or deletes a thread or a comment: a reply, a resolution and a reopening
are each a new ``Comment`` row, so a thread's whole conversation stays part of the round's record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article


class CommentThread(models.Model):
    """A conversation about one passage: where it was made (article, revision, round) and its anchor."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="comment_threads")
    revision = models.PositiveIntegerField(help_text="The revision whose text the passage was quoted from.")
    assignment = models.ForeignKey(
        "reviews.ReviewAssignment", on_delete=models.PROTECT, null=True, blank=True, related_name="comment_threads",
        help_text="The review round's assignment, when a reviewer started the thread.",
    )  # fmt: skip
    paragraph = models.PositiveIntegerField(help_text="The body's paragraph (top-level block), 1-based.")
    quote = models.TextField(help_text="The passage as readers see it (plain text, spaces collapsed).")
    start = models.PositiveIntegerField(help_text="Offset of the passage in the paragraph's plain text.")
    context_before = models.CharField(max_length=80, blank=True)
    context_after = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN, editable=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paragraph", "start", "pk"]
        indexes = [models.Index(fields=["article", "status"], name="comment_thread_article_status")]
        constraints = [models.CheckConstraint(name="comment_thread_quotes_text", condition=~Q(quote=""))]

    def __str__(self) -> str:
        return f"Comment on r{self.revision} ¶{self.paragraph}: {self.quote[:40]}"


class Comment(models.Model):
    """One entry of a thread: a comment (the first one opens it), a resolution or a reopening."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"

    class Role(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer"
        EDITOR = "editor", "Editor"
        AUTHOR = "author", "Author"

    thread = models.ForeignKey(CommentThread, on_delete=models.PROTECT, related_name="comments")
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.COMMENT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role, help_text="What the writer was to the article.")
    revision = models.PositiveIntegerField(help_text="The article's current revision when written.")
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="comment_has_text", condition=~Q(kind="comment") | ~Q(body="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on thread {self.thread_id}"
