"""What `lint-imports` (the contracts in pyproject.toml) cannot see: that the core imports neither
Textual nor openai when it runs (the LLM client imports openai lazily, inside the functions that call it)."""

import subprocess
import sys


def test_core_imports_neither_textual_nor_openai() -> None:
    code = (
        "import sys\n"
        "import simulator.engine, simulator.grading.offline, simulator.store, simulator.content, simulator.llm\n"
        "print(sorted(m for m in ('textual', 'openai') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
