"""Execute notebooks in place for committing: fresh kernel, outputs kept, widget state dropped.

Usage: python scripts/run_notebooks.py [NOTEBOOK ...]   (default: notebooks/*.ipynb)
The saved widget state is large and changes with every run; nbval skips widget views
anyway, so it is removed to keep diffs readable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={
        "metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"ran {path.relative_to(ROOT)}")


if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]]
    paths = paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        run(p)
