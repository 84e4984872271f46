"""The layering of docs/ARCHITECTURE.md: imports point down only, and the core runs without a terminal."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"

# package -> the packages of ours it may import (besides itself)
ALLOWED = {
    "domain": set(),
    "content": {"domain", "locations", "redaction"},
    "store": {"domain", "locations", "redaction"},
    "llm": {"domain", "locations", "redaction"},
    "grading": {"domain", "content", "llm", "locations", "redaction", "store"},
    "interviewer": {"domain", "content", "llm", "grading", "locations", "redaction"},
    "engine": {"domain", "content", "interviewer", "grading", "store", "locations", "redaction"},
    "services": {"domain", "content", "interviewer", "grading", "engine", "store", "llm", "locations", "redaction"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_layers_import_downwards_only() -> None:
    for layer, allowed in ALLOWED.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for module in imports_of(path):
                parts = module.split(".")
                if parts[0] == "simulator" and len(parts) > 1 and parts[1] != layer:
                    assert parts[1] in allowed, f"{path.relative_to(PACKAGE)} imports {module}"


def test_only_llm_imports_openai() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "llm" in path.relative_to(PACKAGE).parts[:1]:
            continue
        assert not any(m == "openai" or m.startswith("openai.") for m in imports_of(path)), path


def test_core_imports_neither_textual_nor_openai() -> None:
    code = (
        "import sys\n"
        "import simulator.engine, simulator.grading.offline, simulator.store, simulator.content, simulator.llm\n"
        "print(sorted(m for m in ('textual', 'openai') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
