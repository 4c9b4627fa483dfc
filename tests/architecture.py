"""The import graph of the project, read with ``ast`` from the source, and the checks ARCHITECTURE.md states.

Every import counts, at module level or inside a function. A module is named by its dotted
path; ``from a.b import c`` is an edge to ``a.b.c`` when that is a module, else to ``a.b``.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# Layers of reviews/, bottom first. An import may go to the same layer or a lower one, never higher.
REVIEWS_LAYERS: tuple[tuple[str, ...], ...] = (
    # 0 models and plain definitions
    ("reviews", "reviews.models", "reviews.exceptions", "reviews.roles", "reviews.apps", "reviews.migrations",
     "reviews.workflow", "reviews.assignments", "reviews.publishing", "reviews.board", "reviews.jobs",
     "reviews.management", "reviews.management.commands", "reviews.api", "reviews.api.models",
     "reviews.mail", "reviews.mail.models", "reviews.comments", "reviews.comments.models", "reviews.jobs.models",
     "reviews.ledger", "reviews.ledger.models"),
    # 1 predicates, locks, notification tasks
    ("reviews.permissions", "reviews.locking", "reviews.notifications", "reviews.assignments.invitations",
     "reviews.assignments.labels", "reviews.webhooks", "reviews.mail.templates", "reviews.anonymity",
     "reviews.masking"),
    # 2 reads: query sets live on the models; selectors compose them
    ("reviews.workflow.gate", "reviews.workflow.materiality", "reviews.assignments.selectors",
     "reviews.board.selectors", "reviews.admin.selectors", "reviews.publishing.eligibility",
     "reviews.publishing.audit", "reviews.publishing.dossier", "reviews.comments.anchoring",
     "reviews.comments.selectors", "reviews.ledger.selectors"),
    # 3 the floor of the write side: rounds and the records a publishing step leaves
    ("reviews.workflow.rounds", "reviews.workflow.corrections", "reviews.publishing.records",
     "reviews.assignments.signatures"),
    # 4 the workflow: transition table and functions
    ("reviews.workflow.transitions", "reviews.workflow.review_due"),
    # 5 domain services standing on the workflow
    ("reviews.assignments.services", "reviews.assignments.decisions", "reviews.publishing.services",
     "reviews.publishing.scheduling", "reviews.board.services", "reviews.api.tokens", "reviews.comments.services",
     "reviews.ledger.services", "reviews.workflow.swaps", "reviews.provenance"),
    # 6 jobs
    ("reviews.jobs.*",),
    # 7 forms
    ("reviews.assignments.forms", "reviews.admin.forms", "reviews.api.serializers", "reviews.comments.forms",
     "reviews.ledger.forms"),
    # 8 faces: views, admin, commands
    ("reviews.views", "reviews.urls", "reviews.middleware", "reviews.assignments.views", "reviews.admin",
     "reviews.admin.*", "reviews.management.commands.*", "reviews.api.*", "reviews.mail.admin",
     "reviews.comments.views", "reviews.ledger.views"),
)  # fmt: skip
SELECTOR_MODULES = frozenset(REVIEWS_LAYERS[2]) | {"articles.selectors"}
SERVICE_MODULES = frozenset(REVIEWS_LAYERS[3] + REVIEWS_LAYERS[4] + REVIEWS_LAYERS[5]) | {"articles.revisions"}


def is_selector(module: str) -> bool:
    return module in SELECTOR_MODULES or module.endswith(".selectors")


def is_service(module: str) -> bool:
    return module in SERVICE_MODULES or module.endswith(".services")


def modules_under(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of the given top-level packages under ``root``, by dotted name (migrations left out)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _targets(node: ast.AST, known: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                 for alias in node.names]  # fmt: skip
    else:
        return []
    out = []
    for name in names:
        while name and name not in known:  # `import a.b.c` of a non-module attribute: its module
            name = name.rpartition(".")[0]
        if name:
            out.append(name)
    return out


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module → the project modules it imports (anywhere in the file), self-imports dropped."""
    known = modules_under(root, packages)
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            graph[name].update(target for target in _targets(node, known) if target != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (each is at least one import circle)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def layer_of(module: str, layers=REVIEWS_LAYERS) -> int | None:
    """The layer a reviews module belongs to: an exact name first, else the longest ``prefix.*`` pattern."""
    for number, names in enumerate(layers):
        if module in names:
            return number
    best, best_len = None, -1
    for number, names in enumerate(layers):
        for pattern in names:
            prefix = pattern.removesuffix(".*")
            if pattern.endswith(".*") and module.startswith(prefix + ".") and len(prefix) > best_len:
                best, best_len = number, len(prefix)
    return best


@dataclass(frozen=True)
class Breach:
    source: str
    target: str
    rule: str

    def __str__(self) -> str:
        return f"{self.source} imports {self.target}: {self.rule}"


def breaches(graph: dict[str, set[str]], layers=REVIEWS_LAYERS) -> list[Breach]:
    """Every import that breaks the rules of ARCHITECTURE.md (circles are checked apart)."""
    out = []
    for source in sorted(graph):
        for target in sorted(graph[source]):
            if source.split(".")[0] == "articles" and target.split(".")[0] == "reviews":
                out.append(Breach(source, target, "articles never imports reviews"))
            if is_selector(source) and is_service(target):
                out.append(Breach(source, target, "a read imports a write"))
            if source.startswith("reviews") and target.startswith("reviews"):
                low, high = layer_of(source, layers), layer_of(target, layers)
                if low is None or high is None:
                    continue  # reported by unclassified()
                if high > low:
                    out.append(Breach(source, target, f"layer {low} imports layer {high}"))
    return out


def unclassified(graph: dict[str, set[str]], layers=REVIEWS_LAYERS) -> list[str]:
    return sorted(m for m in graph if m.split(".")[0] == "reviews" and layer_of(m, layers) is None)


def depth(graph: dict[str, set[str]], modules: set[str]) -> int:
    """The number of floors: the longest chain of imports among ``modules`` (an acyclic graph), counted in modules."""
    memo: dict[str, int] = {}

    def floor(node: str) -> int:
        if node not in memo:
            memo[node] = 0  # guards a circle; the cycle check reports those
            memo[node] = 1 + max((floor(t) for t in graph[node] if t in modules), default=0)
        return memo[node]

    return max((floor(m) for m in modules), default=0)


def figures(graph: dict[str, set[str]], package: str) -> dict[str, int]:
    """Files, floors, edges and circles of one package's own import graph."""
    own = {m for m in graph if m == package or m.startswith(package + ".")}
    sub = {m: {t for t in graph[m] if t in own} for m in own}
    return {
        "files": len(own),
        "layers": depth(sub, own),
        "edges": sum(len(targets) for targets in sub.values()),
        "circles": len(cycles(sub)),
    }


def documented_layers(markdown: str) -> dict[int, set[str]]:
    """The modules column of the layer table in ARCHITECTURE.md ("## Layers, bottom first"), by layer number."""
    section = markdown.split("## Layers, bottom first", 1)[1].split("\n## ", 1)[0]
    out: dict[int, set[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) == 5 and cells[1][:1].isdigit():
            out[int(cells[1].split()[0])] = set(re.findall(r"`([^`]+)`", cells[3]))
    return out


def layer_table_mismatches(documented: dict[int, set[str]], layers=REVIEWS_LAYERS) -> list[str]:
    """Each module the document puts on another layer than ``layers`` does, or names that one of them lacks."""
    out = []
    for number in sorted(set(documented) | set(range(len(layers)))):
        written, coded = documented.get(number, set()), set(layers[number]) if number < len(layers) else set()
        out += [f"layer {number}: {name} is in ARCHITECTURE.md only" for name in sorted(written - coded)]
        out += [f"layer {number}: {name} is in tests/architecture.py only" for name in sorted(coded - written)]
    return out
