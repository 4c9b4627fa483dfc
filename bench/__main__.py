"""``python -m bench``: run every module in bench/ that defines ``run()``.

Benchmarks print their own numbers (rates and ratios); they are not part of the test suite.
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    root = Path(__file__).resolve().parent
    sys.path.insert(0, str(root.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
    import django

    django.setup()
    results = {}
    for info in sorted(pkgutil.iter_modules([str(root)]), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            print(f"== bench.{info.name}", flush=True)
            results[info.name] = module.run()
    print(f"{len(results)} benchmark module(s) run")
    _summary(results)
    return 0


def _summary(results: dict) -> None:
    """Every headline figure of the run, each beside its goal."""
    print("== summary")
    reader = results.get("reader") or {}
    figures = [
        ("cached article page ÷ bare view, local cache", reader.get("local"), 0.9),
        ("cached article page ÷ bare view, Redis", reader.get("redis"), 0.7),
        ("cache miss (stored page) ÷ plain Django page", reader.get("miss"), 1.5),
    ]
    for label, value, goal in figures:
        verdict = "missing" if value is None else "PASS" if value >= goal else "FAIL"
        print(f"  {label:<48} {'missing' if value is None else f'{value:.2f}':>8}  goal ≥ {goal}  {verdict}")
    if reader.get("render") is not None:
        print(f"  {'cache miss, page rendered ÷ plain Django page':<48} {reader['render']:>8.2f}  (no goal)")
    validation = results.get("validation") or {}
    if validation:
        print(f"  {'validation, references per second':<48} {validation['validate_per_second']:>8,.0f}")
    scale = results.get("scale") or {}
    for label, ratio in (scale.get("ratios") or {}).items():
        verdict = "PASS" if label not in scale.get("failed", []) else "FAIL"
        print(f"  {'scale ratio: ' + label:<48} {ratio:>8.2f}  goal ≤ 1.5, queries within budget  {verdict}")
    if "seconds" in scale:
        print(f"  {'scale bench, seconds':<48} {scale['seconds']:>8.0f}  goal < 900")


if __name__ == "__main__":
    raise SystemExit(main())
