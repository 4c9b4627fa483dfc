from articles.rendering import plain_text, render_body


def test_citations_link_to_references_and_back():
    rendered = render_body(body="Steroids help [1, 3]. Surgery too [1].", reference_numbers={1, 3})
    assert '<a href="#ref-1" id="cite-1-1" class="cite"' in rendered.html
    assert '<a href="#ref-3" id="cite-3-1" class="cite"' in rendered.html
    assert rendered.citations == {1: ["cite-1-1", "cite-1-2"], 3: ["cite-3-1"]}


def test_ranges_are_expanded_and_missing_numbers_are_not_links():
    rendered = render_body(body="See [2-4].", reference_numbers={2, 4})
    assert 'href="#ref-3"' not in rendered.html
    assert '<span class="cite-missing">3</span>' in rendered.html


def test_raw_html_and_scripts_are_removed():
    body = "Hello <script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>"
    html = render_body(body=body, reference_numbers=set()).html
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html


def test_invalid_markers_stay_as_text():
    html = render_body(body="Odd [5-2] marker.", reference_numbers={2, 5}).html
    assert "[5-2]" in html and "cite" not in html


def test_plain_text():
    assert plain_text("<p>A &amp; B</p><ul><li>one</li></ul>") == "A & B one"
