"""The test tree's layout (issue 13): no test module imports another test module. What several
modules share lives in non-`test_` modules (tests/answers.py, tests/llm_grader_support.py, ...)
or, for fixtures, in a folder's conftest.py."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _is_test_module(name: str) -> bool:
    return name.rpartition(".")[2].startswith("test_")


def imported_test_modules(source: str) -> list[str]:
    """The modules named `test_*` that `source` imports, at any depth and in any import form."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if _is_test_module(module):
                found.append(module)
            else:  # `from tests.unit import test_probes`: a submodule imported by name
                found += [f"{module}.{alias.name}" for alias in node.names if alias.name.startswith("test_")]
    return found


def test_every_form_of_importing_a_test_module_is_found() -> None:
    sources = {
        "from tests.unit.test_probes import SIMPSON": ["tests.unit.test_probes"],
        "from test_offline_grader import QUESTION, STRONG": ["test_offline_grader"],
        "import tests.cli.test_grade_cli": ["tests.cli.test_grade_cli"],
        "import json, test_calibration as calibration": ["test_calibration"],
        "from tests.unit import test_probes, test_feedback": ["tests.unit.test_probes", "tests.unit.test_feedback"],
        "from .test_llm_grader import rubric as rubric": [".test_llm_grader"],
        "def helper():\n    from tests.functional.test_tui_pilot import answer\n    return answer": [
            "tests.functional.test_tui_pilot"
        ],
    }
    assert {source: imported_test_modules(source) for source in sources} == sources


def test_imports_of_non_test_modules_are_not_found() -> None:
    sources = (
        "from tests.answers import SIMPSON",
        "from tests.functional.tui_support import answer",
        "import pytest\nfrom simulator.grading.offline import grade_offline",
        "from tests import llm_grader_support",
    )
    assert [imported_test_modules(source) for source in sources] == [[]] * len(sources)


def test_no_test_module_imports_another_test_module() -> None:
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 50, f"only {len(modules)} test modules found under {TESTS}"
    offences = {
        str(path.relative_to(TESTS)): imported
        for path in modules
        if (imported := imported_test_modules(path.read_text(encoding="utf-8")))
    }
    assert offences == {}, "move what is shared into a non-test module or a conftest.py"
