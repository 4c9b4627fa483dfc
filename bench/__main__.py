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
    ran = 0
    for info in sorted(pkgutil.iter_modules([str(root)]), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            print(f"== bench.{info.name}")
            module.run()
            ran += 1
    print(f"{ran} benchmark module(s) run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
