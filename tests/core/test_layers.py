"""The app graph's contracts (pyproject.toml, [tool.importlinter]) hold on the tree, and each
fails when an upward import is added: lint-imports runs on a copy of the package with one
import line more, under the same configuration."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "townsquare"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

CONTRACTS = {
    "layers": "Adapters above the domain apps, places and core at the bottom",
    "core": "core knows no domain app, no adapter and no policy",
    "policy": "The policy module reads models only: no actions, selectors, tasks or adapters",
    "places": "places is the lowest domain app: it imports only core",
    "accounts": "accounts imports places, core and the policy module, no other domain app",
    "posts-agencies": "posts and agencies do not import each other "
                      "(shared feed rows live in feeds)",
    "agencies-posts": "agencies and posts do not import each other "
                      "(shared feed rows live in feeds)",
    "feeds": "feeds imports neither posts nor agencies: both use it, it knows neither",
    "notification-hooks": "posts and agencies reach notifications through "
                          "notifications.hooks only",
    "stats": "stats is pure computation: it imports no other part of townsquare",
    "incidents": "incidents imports no posts, agencies, tips or questions",
    "return-channel": "posts, agencies and feeds do not import tips or questions",
}


def _lint(source_root: Path) -> tuple[int, dict[str, str], str]:
    """Run lint-imports on the `townsquare` package under `source_root`; return the exit
    code, each contract's verdict by name, and the whole output."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(source_root)  # before the installed (editable) src/
    result = subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=source_root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    output = result.stdout + result.stderr
    verdicts = {
        match["name"]: match["verdict"]
        for match in re.finditer(r"^(?P<name>.+?) (?P<verdict>KEPT|BROKEN)\b", output, re.M)
    }
    return result.returncode, verdicts, output


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package's Python files, with `line` appended to `module`."""
    root = tmp_path / "src"
    shutil.copytree(PACKAGE, root / "townsquare",
                    ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "*.json"))
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = root.joinpath(*module.split("."), "__init__.py")
    path.write_text(path.read_text() + f"\n{line}\n")
    return root


def test_the_tree_keeps_every_contract():
    code, verdicts, output = _lint(ROOT / "src")
    assert verdicts == {name: "KEPT" for name in CONTRACTS.values()}, output
    assert code == 0, output


@pytest.mark.parametrize(("module", "line", "broken"), [
    # core importing a view: the layers, and core's own contract.
    ("townsquare.core.text", "import townsquare.web.views", {"layers", "core"}),
    # core importing the policy module (which reads domain models): places, which uses
    # core, would then depend on them too.
    ("townsquare.core.audit", "from townsquare import policy", {"layers", "core", "places"}),
    # the statistics importing a model.
    ("townsquare.stats", "import townsquare.places.models", {"layers", "stats"}),
    # incidents reaching for agencies.
    ("townsquare.incidents.models", "import townsquare.agencies.models", {"incidents"}),
    # agencies knowing of tips.
    ("townsquare.agencies.targeting", "import townsquare.tips.models", {"return-channel"}),
    # a domain app importing the API.
    ("townsquare.posts.selectors", "import townsquare.api.errors", {"layers"}),
    # places, the lowest domain app, importing accounts.
    ("townsquare.places.selectors", "import townsquare.accounts.models",
     {"layers", "places"}),
    # the policy module calling an action.
    ("townsquare.policy", "import townsquare.posts.actions", {"policy"}),
    # accounts importing posts.
    ("townsquare.accounts.selectors", "import townsquare.posts.models", {"accounts"}),
    # posts and agencies importing each other.
    ("townsquare.posts.selectors", "import townsquare.agencies.models", {"posts-agencies"}),
    ("townsquare.agencies.actions.staff", "import townsquare.posts.models",
     {"agencies-posts"}),
    # feeds reaching up into the apps that use it.
    ("townsquare.feeds.selectors", "import townsquare.posts.models", {"feeds"}),
    ("townsquare.feeds.writes", "from townsquare.agencies import selectors", {"feeds"}),
    # posts reaching into notifications past the hooks.
    ("townsquare.posts.actions.posts", "import townsquare.notifications.tasks",
     {"notification-hooks"}),
])
def test_an_upward_import_breaks_its_contract(tmp_path, module, line, broken):
    code, verdicts, output = _lint(_copy_with(tmp_path, module, line))
    assert code == 1, output
    broken_names = {name for name, verdict in verdicts.items() if verdict == "BROKEN"}
    assert broken_names == {CONTRACTS[key] for key in broken}, output
    words = line.split()  # "import a.b" or "from a import b"
    imported = words[1] if words[0] == "import" else f"{words[1]}.{words[3]}"
    assert f"{module} -> {imported}" in output, output
