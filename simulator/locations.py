"""Every directory mockloop reads or writes comes from here."""

import os
from pathlib import Path

APP_NAME = "mockloop"


def user_config_dir() -> Path:
    """`MOCKLOOP_CONFIG_DIR`, else the platform's config dir (e.g. ~/.config/mockloop)."""
    override = os.environ.get("MOCKLOOP_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def shipped_root() -> Path:
    """The directory holding the default `rubrics/` and `prompts/` that ship with mockloop."""
    package = Path(__file__).resolve().parent
    installed = package / "defaults"
    if (installed / "rubrics").is_dir():
        return installed
    return package.parent  # a source checkout: the repo's top-level rubrics/ and prompts/


def content_roots() -> list[Path]:
    """The search path, first match wins: current directory, user config dir, shipped defaults."""
    roots: list[Path] = []
    for root in (Path.cwd(), user_config_dir(), shipped_root()):
        resolved = root.resolve()
        if resolved not in roots:
            roots.append(resolved)
    return roots


def transcripts_dir(override: str | Path | None = None) -> Path:
    """`--transcripts-dir`, else `MOCKLOOP_TRANSCRIPTS`, else ./transcripts."""
    chosen = override or os.environ.get("MOCKLOOP_TRANSCRIPTS") or "transcripts"
    return Path(chosen).expanduser()


def config_file() -> Path:
    """`MOCKLOOP_CONFIG`, else `config.yaml` in the user config dir."""
    override = os.environ.get("MOCKLOOP_CONFIG")
    if override:
        return Path(override).expanduser()
    return user_config_dir() / "config.yaml"
