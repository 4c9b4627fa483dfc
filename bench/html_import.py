"""Importing a 200 KB HTML page: parse, convert, find markers, run every rule (issue 13).

Builds a deterministic page of about 200 KB (site chrome, headings, paragraphs with <sup>
markers, lists, a table, and a 300-entry reference list with DOI and PubMed links), then
times the whole pipeline offline and prints HTML pages per second and the time for one page.
"""

from __future__ import annotations

import time

from articles.fileformat import parse_article_text
from articles.validation.engine import validate
from articles.validation.references import parse_reference

TARGET_BYTES = 200_000
REFERENCES = 300
REPEATS = 5
WORDS = ["knee", "brace", "recovery", "swelling", "tendon", "load", "rest", "pain", "walking", "ice", "trial"]


def page(target: int = TARGET_BYTES) -> str:
    chrome = (
        "<header><nav>" + "".join(f'<a href="/t{i}">Topic {i}</a>' for i in range(40)) + "</nav></header>"
        '<div class="cookie-banner">We use cookies. <button>OK</button></div>'
    )
    refs = "".join(
        f'<li id="ref-{n}">[RCT] Author{n} AB, Writer C. Study {n} of {WORDS[n % len(WORDS)]} care. '
        f"J Test Med. {1995 + n % 30};{n % 40}({n % 12 + 1}):{n}-{n + 7}. "
        f'<a href="https://doi.org/10.{1000 + n}/jtm.{n}">doi</a> '
        f'<a href="https://pubmed.ncbi.nlm.nih.gov/{20_000_000 + n}/">PubMed</a></li>'
        for n in range(1, REFERENCES + 1)
    )
    tail = f"<h2>References</h2><ol>{refs}</ol></article></main><footer>Footer</footer></body></html>"
    parts = [f"<!doctype html><html><head><title>Bench page</title></head><body>{chrome}<main><article>"]
    parts.append("<h1>Managing knee pain</h1>")
    size, i = sum(map(len, parts)) + len(tail), 0
    while size < target:
        n = i % REFERENCES + 1
        words = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 5, 7, 9, 11))
        block = (
            f"<h2>Section {i}</h2>" if i % 25 == 0 else ""
        ) + f"<p>The {words} <em>section {i}</em> is discussed here<sup>{n}</sup>. More {words} text.</p>"
        if i % 40 == 0:
            block += "<ul>" + "".join(f"<li>Point {j} on {words}<sup>{n}</sup></li>" for j in range(5)) + "</ul>"
        if i % 60 == 0:
            block += "<table><tr><th>Week</th><th>Load</th></tr><tr><td>1</td><td>light</td></tr></table>"
        parts.append(block)
        size += len(block)
        i += 1
    return "".join(parts) + tail


def pipeline(html: str):
    article = parse_article_text(html, html=True)
    references = [parse_reference(e.text, number=e.number).as_dict() for e in article.references]
    return validate(
        body=article.body,
        references=references,
        body_line=article.body_line,
        reference_lines={e.number: e.line for e in article.references},
        year=2026,
    )


def run() -> dict:
    html = page()
    report = pipeline(html)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        pipeline(html)
        times.append(time.perf_counter() - start)
    seconds = min(times)
    result = {
        "bytes": len(html.encode()),
        "seconds": seconds,
        "pages_per_second": 1 / seconds,
        "references": len(report.references),
        "citations": len(report.citations),
        "findings": len(report.findings),
    }
    print(
        f"html:     {result['pages_per_second']:>10,.1f} HTML pages/s "
        f"({seconds * 1000:.0f} ms for one {result['bytes'] // 1000} KB page: {result['references']} references, "
        f"{result['citations']} citations, {result['findings']} findings)"
    )
    return result
