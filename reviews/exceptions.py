"""Domain errors of the workflow. Each message names what was attempted and why it failed."""

from django.core.exceptions import PermissionDenied

from articles.models import Article


def state_label(status: str) -> str:
    """A state as people say it ("changes requested"), for messages and emails."""
    try:
        return str(Article.Status(status).label).lower()
    except ValueError:
        return str(status).replace("_", " ")


class WorkflowError(Exception):
    """Base for every refusal of the workflow."""


class TransitionNotAllowed(WorkflowError):
    """The transition does not apply to the article's state, or a guard refused it."""

    def __init__(self, transition: str, from_status: str, why: str):
        self.transition, self.from_status, self.why = transition, from_status, why
        super().__init__(f"Cannot {transition.replace('_', ' ')} from “{state_label(from_status)}”: {why}")


class NotPermitted(WorkflowError, PermissionDenied):
    """The actor may not take this step on this article (Django answers 403)."""

    def __init__(self, transition: str, from_status: str, why: str):
        self.transition, self.from_status, self.why = transition, from_status, why
        super().__init__(f"Cannot {transition.replace('_', ' ')} from “{state_label(from_status)}”: {why}")


class StaleEdit(WorkflowError):
    """The editor's copy is older than the article: saving would overwrite someone else's change."""

    def __init__(self, *, expected: int, current: int):
        self.expected, self.current = expected, current
        super().__init__(
            f"This article changed while you were editing: you started from revision {expected}, "
            f"it is now at revision {current}. Your text was not saved; compare and re-apply."
        )


class StaleArticle(StaleEdit):
    """The editor's form shows an older version of the article row than the stored one (any write:
    an approval, a publishing step, another editor's metadata), even with the same revision."""

    def __init__(self, *, expected: int, current: int, changes: str = ""):
        self.expected, self.current, self.changes = expected, current, changes
        WorkflowError.__init__(
            self,
            f"This article changed while you were editing (version {expected} → {current})"
            f"{': ' + changes if changes else ''}. Nothing was saved; the form now shows the current values "
            "of the fields you did not change. Check them and save again.",
        )


class AssignmentRefused(WorkflowError):
    """An assignment step was refused; the message names the reviewer, the article and why."""


class CommentRefused(WorkflowError):
    """A comment step was refused (a paragraph or passage not in the text, a thread already resolved…)."""
