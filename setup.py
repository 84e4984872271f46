"""Packaging glue: ship the top-level `rubrics/` and `prompts/` inside the wheel.

They are mapped to the packages `simulator.defaults.rubrics` and `simulator.defaults.prompts`
so that a non-editable install, run from any directory, finds the default content.
"""

from setuptools import find_packages, setup

CONTENT = {"simulator.defaults.rubrics": "rubrics", "simulator.defaults.prompts": "prompts"}

setup(
    packages=[*find_packages(include=["simulator", "simulator.*"]), *CONTENT],
    package_dir={"simulator": "simulator", **CONTENT},
    package_data={
        "simulator": ["py.typed", "tui/*.tcss"],
        **{name: ["**/*.yaml", "**/*.md", "**/*.txt", "**/*.json"] for name in CONTENT},
    },
    include_package_data=False,
)
