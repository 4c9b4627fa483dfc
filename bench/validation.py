"""Validating 1,000 references offline, against merely parsing them (issue 3 acceptance).

Builds 1,000 varied reference lines and a body citing each once, then times, in the same
run, (a) parsing the lines and (b) parsing plus the full validation (all rules, no
resolvers). Prints references per second for both and the ratio validate/parse.
"""

from __future__ import annotations

import time

from articles.validation.engine import validate
from articles.validation.references import parse_reference

COUNT = 1000
REPEATS = 5
KINDS = ["Guideline", "Systematic review", "RCT", "Cohort", "Case report", "Research", "Other"]
WORDS = [
    "spinal", "cord", "compression", "dexamethasone", "radiotherapy", "surgery", "myelopathy",
    "outcomes", "imaging", "metastatic", "randomised", "cohort", "steroid", "decompression",
]  # fmt: skip


def reference_lines(count: int = COUNT) -> list[str]:
    """Deterministic, varied reference lines: every third has a DOI, every fifth a PMID."""
    lines = []
    for i in range(1, count + 1):
        title = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7, 11, 13)) + f" {i}"
        line = (
            f"[{KINDS[i % len(KINDS)]}] Author{i} AB, Writer C. {title.capitalize()}. "
            f"J Test Med. {1990 + i % 35};{i % 60}({i % 12 + 1}):{i}-{i + 9}."
        )
        if i % 3 == 0:
            line += f" doi:10.{1000 + i % 9000}/jtm.{i}"
        if i % 5 == 0:
            line += f" PMID: {10_000_000 + i}"
        lines.append(line)
    return lines


def body_for(count: int = COUNT) -> str:
    return "\n".join(f"Claim number {i} about 5 mg of something [{i}]." for i in range(1, count + 1))


def _best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> dict:
    lines, body = reference_lines(), body_for()

    def parse():
        return [parse_reference(text, number=n).as_dict() for n, text in enumerate(lines, 1)]

    def parse_and_validate():
        return validate(body=body, references=parse(), year=2026)

    report = parse_and_validate()
    parse_seconds = _best(parse)
    validate_seconds = _best(parse_and_validate)
    result = {
        "references": COUNT,
        "parse_per_second": COUNT / parse_seconds,
        "validate_per_second": COUNT / validate_seconds,
        "validate_seconds": validate_seconds,
        "ratio": validate_seconds / parse_seconds,
        "findings": len(report.findings),
    }
    print(
        f"parse:    {result['parse_per_second']:>10,.0f} references/s\n"
        f"validate: {result['validate_per_second']:>10,.0f} references/s "
        f"({validate_seconds * 1000:.0f} ms for {COUNT}, {result['findings']} findings)\n"
        f"ratio validate/parse: {result['ratio']:.2f}x"
    )
    for count in (1_000, 10_000):  # issue 11: the duplicate rule must not grow quadratically (goal: 10,000 < 2 s)
        parse_s, check_s = check_references_seconds(count)
        result[f"check_references_seconds_{count}"] = check_s
        print(f"check_references: {check_s:.2f} s to check {count:,} references (and {parse_s:.2f} s to parse them)")
    return result


def check_references_seconds(count: int) -> tuple[float, float]:
    """(parsing, validating) seconds for ``count`` references, the two steps of ``check_references``."""
    lines, body = reference_lines(count), body_for(count)
    start = time.perf_counter()
    refs = [parse_reference(text, number=n).as_dict() for n, text in enumerate(lines, 1)]
    parsed = time.perf_counter()
    validate(body=body, references=refs, year=2026)
    return parsed - start, time.perf_counter() - parsed
