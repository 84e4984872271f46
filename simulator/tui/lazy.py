"""Package attributes loaded from their submodule on first use (PEP 562), so start-up pays only for
what the first screen shows."""

from collections.abc import Callable
from importlib import import_module


def lazy_exports(package: str, modules: dict[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` that imports `package.<modules[name]>` when `name` is first asked for."""

    def __getattr__(name: str) -> object:
        if name not in modules:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{modules[name]}"), name)

    return __getattr__
