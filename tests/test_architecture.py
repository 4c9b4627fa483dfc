"""ARCHITECTURE.md, held: no import circle, no import up a layer, articles never imports reviews,
reads never import writes; modules under 400 lines and functions under 40 in reviews/; the layer
table of ARCHITECTURE.md is the one in tests/architecture.py.

The checker itself is tested on small trees in tmp_path, so these tests provably fail on a bad import.
"""

import ast
from pathlib import Path

from tests import architecture as arch

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("articles", "reviews", "editorial")


def _graph():
    return arch.import_graph(ROOT, PACKAGES)


def test_the_project_has_no_import_circle():
    assert arch.cycles(_graph()) == []


def test_every_reviews_module_has_a_layer():
    assert arch.unclassified(_graph()) == []


def test_the_layer_table_of_architecture_md_matches_the_checker():
    documented = arch.documented_layers((ROOT / "ARCHITECTURE.md").read_text())
    assert arch.layer_table_mismatches(documented) == []


def test_layer_table_check_catches_a_module_on_another_layer_or_missing():
    layers = (("reviews.models",), ("reviews.permissions", "reviews.locking"))
    table = (
        "## Layers, bottom first\n\n| layer | what | modules |\n| --- | --- | --- |\n"
        "| 0 models | fields | `reviews.models`, `reviews.permissions` |\n| 1 predicates | who | `reviews.locking` |\n"
        "\n## Next\n| 2 x | y | `reviews.elsewhere` |\n"
    )
    documented = arch.documented_layers(table)
    assert documented == {0: {"reviews.models", "reviews.permissions"}, 1: {"reviews.locking"}}
    assert arch.layer_table_mismatches(documented, layers) == [
        "layer 0: reviews.permissions is in ARCHITECTURE.md only",
        "layer 1: reviews.permissions is in tests/architecture.py only",
    ]


def test_no_import_breaks_the_layers():
    assert [str(b) for b in arch.breaches(_graph())] == []


def test_the_reviews_graph_is_acyclic_and_layered():
    graph = _graph()
    numbers = arch.figures(graph, "reviews")
    assert numbers["circles"] == 0
    assert numbers["layers"] > 0
    # An import may stay on its own layer (ARCHITECTURE.md), so a chain may be longer than the layer
    # count; what it may never do is climb: along every edge the layer stays or falls.
    climbs = [
        (source, target)
        for source, targets in graph.items()
        for target in targets
        if source.startswith("reviews")
        and target.startswith("reviews")
        and (arch.layer_of(target) or 0) > (arch.layer_of(source) or 0)
    ]
    assert climbs == []


def test_reviews_modules_and_functions_stay_small():
    too_long = []
    for path in sorted((ROOT / "reviews").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text()
        name = path.relative_to(ROOT)
        if len(source.splitlines()) > 400:
            too_long.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno >= 40:
                too_long.append(f"{name}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert too_long == []


def test_each_domain_word_is_defined_once():
    """The open statuses, "overdue" and "re-review due" each have one definition in the source."""
    sources = {p: p.read_text() for d in ("reviews", "articles") for p in (ROOT / d).rglob("*.py")
               if "migrations" not in p.parts}  # fmt: skip

    def count(text: str) -> int:
        return sum(source.count(text) for source in sources.values())

    assert count('("invited", "accepted")') == 1
    assert count("def overdue(") == 1 and count("due_at__lt=") == 1
    assert count("def rereview_due(self") == 1 and count("next_review_due__l") == 1


# The checker, on trees made for it.


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


BASE = {
    "articles/__init__.py": "",
    "articles/models.py": "",
    "articles/selectors.py": "from articles import models\n",
    "reviews/__init__.py": "",
    "reviews/models.py": "from articles.models import *\n",
    "reviews/assignments/__init__.py": "",
    "reviews/assignments/selectors.py": "from reviews.models import *\n",
    "reviews/assignments/services.py": "from reviews.assignments import selectors\n",
    "reviews/workflow/__init__.py": "",
    "reviews/workflow/transitions.py": "from reviews import models\n",
}


def _check(tmp_path, extra: dict[str, str]):
    graph = arch.import_graph(_tree(tmp_path, {**BASE, **extra}), ("articles", "reviews"))
    return graph, [str(b) for b in arch.breaches(graph)], arch.cycles(graph)


def test_checker_passes_a_clean_tree(tmp_path):
    graph, found, circles = _check(tmp_path, {})
    assert (found, circles) == ([], [])
    assert graph["reviews.assignments.services"] == {"reviews.assignments.selectors"}


def test_checker_catches_articles_importing_reviews_inside_a_function(tmp_path):
    _graph, found, _ = _check(tmp_path, {"articles/selectors.py": "def f():\n    from reviews import models\n"})
    assert "articles.selectors imports reviews.models: articles never imports reviews" in found


def test_checker_catches_a_selector_importing_a_service(tmp_path):
    extra = {"reviews/assignments/selectors.py": "from reviews.assignments.services import x\n"}
    _graph, found, circles = _check(tmp_path, extra)
    assert "reviews.assignments.selectors imports reviews.assignments.services: a read imports a write" in found
    assert "reviews.assignments.selectors imports reviews.assignments.services: layer 2 imports layer 5" in found
    assert circles == [["reviews.assignments.selectors", "reviews.assignments.services"]]


def test_checker_catches_the_workflow_importing_a_service_above_it(tmp_path):
    extra = {"reviews/workflow/transitions.py": "def f():\n    import reviews.assignments.services\n"}
    _graph, found, _ = _check(tmp_path, extra)
    assert found == ["reviews.workflow.transitions imports reviews.assignments.services: layer 4 imports layer 5"]


def test_checker_catches_a_circle_and_an_unclassified_module(tmp_path):
    extra = {"reviews/odd.py": "from reviews import models\n", "reviews/models.py": "from reviews import odd\n"}
    graph, _found, circles = _check(tmp_path, extra)
    assert circles == [["reviews.models", "reviews.odd"]]
    assert arch.unclassified(graph) == ["reviews.odd"]


def test_figures_count_files_floors_edges_and_circles(tmp_path):
    graph, _found, _ = _check(tmp_path, {})
    assert arch.figures(graph, "reviews") == {"files": 7, "layers": 3, "edges": 3, "circles": 0}
