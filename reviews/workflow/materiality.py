"""Whether an edit changes the medicine: the domain's test for a "non-material" edit.

An editor may claim that an edit is non-material (a typo, a spelling, a word order). The
claim holds only when, comparing the old and new title, summary and body word by word:

- no changed word holds a number (digits, superscripts or number words such as "twice");
- no changed word is a unit (mg, mL, mmol/L, %, ...) or a dosing word (dose, daily, tablet, ...);
- no changed word looks like a drug name (a known name or a drug-class suffix such as -olol);
- no changed word is a negation ("not", "no", "never", "without", "n't", ...);
- no citation marker ([1], [2-4]) is added, removed or changed;
- the reference list is unchanged, field by field;
- and few words changed: at most ``NON_MATERIAL_MAX_CHANGED_WORDS`` words, and at most
  ``NON_MATERIAL_MAX_CHANGED_PERCENT`` percent of the old text's words.

Limits of the measure: it reads words, not meaning. A changed word that is none of the above
(say "left" → "right") passes when few words changed, so the editor's reason is recorded with
every accepted claim and the edit is listed in the audit log and the dossier. Drug names are
recognised from a list and common suffixes only; an unusual drug name can slip through, and an
ordinary word with a drug suffix is refused (refusing is the safe side).
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.conf import settings

# A citation marker, a word (with inner apostrophes, hyphens, dots, slashes: "don't", "mmol/L", "0.5"), or a symbol.
_TOKEN = re.compile(r"\[[^\]\n]{0,40}\]|\w+(?:['\u2019./-]\w+)*|[^\w\s]")
_MARKER = re.compile(r"^\[[\d,\s\u2013-]+\]$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NUMBER_WORDS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "thousand million once twice thrice half double triple quarter third first second dozen"
)
NEGATIONS = _words("not no never without none nor neither cannot nothing nobody nowhere avoid contraindicated")
UNITS = _words(
    "mg mcg \u00b5g ug g kg ng ml l dl mmol mol meq iu u units unit % mmhg bpm kcal cm mm km h hr hrs hour hours "
    "min mins minute minutes s sec day days week weeks month months year years"
)
DOSE_WORDS = _words(
    "dose doses dosing dosage daily nightly weekly hourly tablet tablets capsule capsules injection infusion "
    "bolus puff puffs drop drops oral orally iv im sc subcutaneous intravenous intramuscular topical"
)
DRUG_NAMES = _words(
    "aspirin paracetamol acetaminophen ibuprofen naproxen diclofenac codeine morphine oxycodone tramadol "
    "fentanyl insulin metformin warfarin heparin digoxin furosemide amiodarone dexamethasone prednisolone "
    "prednisone hydrocortisone methotrexate lithium levothyroxine clopidogrel apixaban rivaroxaban "
    "dabigatran adrenaline epinephrine noradrenaline atropine salbutamol albuterol amoxicillin "
    "ciprofloxacin doxycycline vancomycin gentamicin nitroglycerin glyceryl ondansetron levetiracetam "
    "phenytoin valproate carbamazepine lamotrigine gabapentin pregabalin"
)
DRUG_SUFFIXES = (
    "olol", "pril", "sartan", "statin", "cillin", "mycin", "floxacin", "cycline", "azole", "prazole",
    "dipine", "mab", "tinib", "parin", "xaban", "gatran", "vir", "zepam", "zolam", "oxetine", "triptan",
    "sone", "olone", "tide", "gliptin", "gliflozin", "setron", "profen", "caine", "platin", "rubicin",
)  # fmt: skip


@dataclass(frozen=True)
class Assessment:
    """The domain's answer to a non-material claim: the measure taken and, if refused, why."""

    changed_words: int
    total_words: int
    problems: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def refusal(self) -> str:
        return "; ".join(self.problems)

    @property
    def measure(self) -> str:
        return f"{self.changed_words} of {self.total_words} words changed"


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _kind(token: str) -> str | None:
    """What makes a changed token material, or None for an ordinary word."""
    low = token.casefold()
    if _MARKER.match(token):
        return "a citation marker"
    if any(c.isnumeric() for c in token) or low in NUMBER_WORDS:
        return "a number"
    if low in UNITS or ("/" in low and all(part in UNITS for part in low.split("/"))):
        return "a unit"
    if low in DOSE_WORDS:
        return "a dose"
    if low in NEGATIONS or low.endswith(("n't", "n\u2019t")):
        return "a negation"
    if low in DRUG_NAMES or (len(low) > 5 and low.endswith(DRUG_SUFFIXES)):
        return "a drug name"
    return None


def _changed(old: list[str], new: list[str]) -> tuple[int, list[tuple[str, str]]]:
    """How many words changed, and the (old, new) text of each changed run."""
    count, runs = 0, []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            count += max(i2 - i1, j2 - j1)
            runs.append((" ".join(old[i1:i2]), " ".join(new[j1:j2])))
    return count, runs


def _material_words(runs: list[tuple[str, str]]) -> list[str]:
    problems = []
    for before, after in runs:
        kinds = sorted({k for token in tokens(before) + tokens(after) if (k := _kind(token))})
        for kind in kinds:
            problems.append(f"{kind} changed (“{before or '…'}” → “{after or '…'}”)")
    return problems


def assess(*, old, new) -> Assessment:
    """Assess a claim that ``new`` content differs from ``old`` only non-materially (Content-like objects)."""
    problems, changed, total = [], 0, 0
    for name in ("title", "summary", "body"):
        a, b = tokens(getattr(old, name)), tokens(getattr(new, name))
        count, runs = _changed(a, b)
        changed, total = changed + count, total + len(a)
        problems += _material_words(runs)
    if list(old.references) != list(new.references):
        problems.append("the references changed")
    limit, percent = settings.NON_MATERIAL_MAX_CHANGED_WORDS, settings.NON_MATERIAL_MAX_CHANGED_PERCENT
    if changed > limit:
        problems.append(f"{changed} words changed; a non-material edit changes at most {limit}")
    elif total and changed * 100 > percent * total:
        problems.append(f"{changed} of {total} words changed, more than {percent}%")
    return Assessment(changed_words=changed, total_words=total, problems=tuple(problems))
