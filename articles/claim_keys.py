"""The claims of a revision that carry a citation, each tied to one cited reference (the claim ledger).

A claim is a sentence (``articles.validation.claims.sentence_spans``) with at least one citation
marker (``articles.citations.find_citations``); each reference its markers cite is one entry of
the ledger. The claim's ``key`` is the sha256 of the sentence's normalised text (markers taken
out, case and spacing folded) and the reference's identity (its DOI, else PMID, PMCID, ISBN or
URL, else its title, source and year), so renumbering references keeps the key while a change
to the wording or to the cited work makes a new one, which a reviewer checks again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from articles.citations import find_citations
from articles.validation.claims import MarkerIndex, excerpt, first_claim, sentence_spans

_IDENTIFIERS = ("doi", "pmid", "pmcid", "isbn", "url")
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.,;:!?]+$")


@dataclass(frozen=True)
class CitedClaim:
    key: str  # sha256 of the normalised sentence and the reference identity
    sentence: str  # the sentence on one line, cut for display
    line: int  # 1-based line of the body where the sentence starts
    number: int  # the reference number cited
    reference: dict
    identity: str
    needs_support: bool  # the sentence states a dose or a number (``first_claim``)


def reference_identity(ref: dict) -> str:
    """What identifies the cited work: its first identifier, else its title, source and year, folded."""
    for name in _IDENTIFIERS:
        value = str(ref.get(name) or "").strip()
        if value:
            return f"{name}:{value.casefold()}"
    parts = (str(ref.get(name) or "") for name in ("title", "source", "year"))
    return "work:" + "|".join(_SPACES.sub(" ", part).strip().casefold() for part in parts)


def normalised_sentence(text: str) -> str:
    """The sentence's words as compared: spacing and case folded, closing punctuation dropped."""
    return _TRAILING.sub("", _SPACES.sub(" ", text).strip().casefold())


def claim_key(*, sentence: str, identity: str) -> str:
    return hashlib.sha256(f"{normalised_sentence(sentence)}\x1f{identity}".encode()).hexdigest()


def cited_claims(*, body: str, references: list[dict]) -> list[CitedClaim]:
    """Every (sentence, cited reference) of ``body`` in reading order, once each. A marker naming a
    number with no reference is left out (the reference report names it)."""
    by_number = {int(ref["number"]): ref for ref in references if isinstance(ref, dict) and ref.get("number")}
    index = MarkerIndex([m for m in find_citations(body) if not m.problem])
    out, seen = [], set()
    for lo, hi in sentence_spans(body):
        markers = index.within(lo, hi)
        if not markers:
            continue
        text, cut = [], lo
        for marker in markers:
            text.append(body[cut : marker.start])
            cut = marker.end
        text.append(body[cut:hi])
        words = "".join(text)
        needs = first_claim(words) is not None
        line = 1 + body.count("\n", 0, lo)
        for number in dict.fromkeys(n for m in markers for n in m.numbers):
            ref = by_number.get(number)
            if ref is None:
                continue
            identity = reference_identity(ref)
            key = claim_key(sentence=words, identity=identity)
            if key in seen:
                continue
            seen.add(key)
            out.append(CitedClaim(key, excerpt(body[lo:hi], limit=200), line, number, ref, identity, needs))
    return out
