"""Render a notification from its edited version when there is one, else from its file; validate edits.

An edit is refused before saving when it is not valid Django template syntax, uses a tag that
reaches outside the text (load, include, extends, debug, ssi), or names a variable the
notification is not rendered with.
"""

import re
from dataclasses import dataclass

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import VariableNode
from django.template.defaulttags import ForNode, WithNode
from django.template.loader import render_to_string

from reviews.mail.models import TEMPLATE_VARIABLES, EmailTemplate

_FORBIDDEN_TAG = re.compile(r"{%\s*(load|include|extends|debug|ssi)\b")
_ALWAYS = frozenset({"forloop", "True", "False", "None"})


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    version: int | None  # the EmailTemplate history id, or None for the file default


def _compile(text: str) -> Template:
    return Engine.get_default().from_string(text)


def _names(nodelist) -> tuple[set[str], set[str]]:
    """The root variable names used, and those bound by for/with tags."""
    used, bound = set(), set()
    for node in nodelist.get_nodes_by_type(VariableNode):
        var = node.filter_expression.var
        if getattr(var, "lookups", None):
            used.add(var.lookups[0])
    for node in nodelist.get_nodes_by_type(ForNode):
        bound.update(node.loopvars)
        var = node.sequence.var
        if getattr(var, "lookups", None):
            used.add(var.lookups[0])
    for node in nodelist.get_nodes_by_type(WithNode):
        bound.update(node.extra_context)
    return used, bound


def template_problems(*, key: str, text: str) -> list[str]:
    """What is wrong with ``text`` as the subject or body of ``key`` (empty when it may be saved)."""
    if key not in TEMPLATE_VARIABLES:
        return [f"There is no notification called {key}."]
    tag = _FORBIDDEN_TAG.search(text)
    if tag:
        return [f"The {{% {tag.group(1)} %}} tag is not allowed in an email template."]
    try:
        compiled = _compile(text)
    except TemplateSyntaxError as error:
        return [f"Template syntax error: {error}"]
    used, bound = _names(compiled.nodelist)
    unknown = sorted(used - bound - set(TEMPLATE_VARIABLES[key]) - _ALWAYS)
    if unknown:
        allowed = ", ".join(TEMPLATE_VARIABLES[key])
        return [f"Unknown variable(s): {', '.join(unknown)}. This email may use: {allowed}."]
    return []


def email_render(*, template: str, context: dict) -> Rendered:
    """Subject and body of a notification: the edited version if one is saved, else the file (subject first line)."""
    edited = EmailTemplate.objects.filter(key=template).first()
    if edited is None:
        text = render_to_string(template, context).strip()
        subject, _, body = text.partition("\n")
        return Rendered(subject=subject.strip(), body=body.strip(), version=None)
    ctx = Context(context, autoescape=False)
    subject = " ".join(_compile(edited.subject).render(ctx).split())
    body = _compile(edited.body).render(ctx).strip()
    version = edited.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return Rendered(subject=subject, body=body, version=version)
