"""Prompt files (`prompts/grader/*.md`, `prompts/interviewer/*.md`): found on the search path and split
into a system part (a stable prefix providers can cache) and a user part that must end with `$end`
(so the candidate's words come last)."""

import re
from pathlib import Path
from string import Template

from simulator import locations

_LEADING_COMMENT = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)
_PART = re.compile(r"^=== (system|user) ===[ \t]*\n", re.MULTILINE)


def find_prompt(relative: str | Path) -> Path:
    """The first `prompts/<relative>` on the content search path."""
    roots = locations.content_roots()
    for root in roots:
        candidate = root / "prompts" / relative
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no prompts/{relative} in any of: {', '.join(map(str, roots))}")


def load_two_part(
    path: Path, allowed: tuple[frozenset[str], frozenset[str]], required: tuple[frozenset[str], frozenset[str]]
) -> tuple[Template, Template]:
    """(system, user) templates; ValueError naming the file when the parts or placeholders are wrong."""
    text = _LEADING_COMMENT.sub("", path.read_text(encoding="utf-8"))
    parts = _PART.split(text)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if set(sections) != {"system", "user"} or parts[0].strip():
        raise ValueError(f"{path}: expected a '=== system ===' part, then '=== user ==='")
    templates = (Template(sections["system"]), Template(sections["user"]))
    for part, may, must in zip(templates, allowed, required, strict=True):
        used = set(part.get_identifiers())
        if not part.is_valid() or used - may or must - used:
            raise ValueError(
                f"{path}: placeholders must include {sorted(must)} and be among {sorted(may)}; found {sorted(used)}"
            )
    if not templates[1].template.rstrip().endswith("$end"):
        raise ValueError(f"{path}: the user part must end with $end (the candidate's words come last)")
    return templates
