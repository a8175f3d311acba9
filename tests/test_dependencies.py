"""What the code imports is what pyproject declares, and a missing dependency is an error, not a fallback."""
from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "storage", "scrapers", "releasewatch")
# The project's own modules, and the tests' and benchmarks' helpers they import from each other.
FIRST_PARTY = {*PACKAGES, "scheduler", *(p.stem for d in ("tests", "bench") for p in (ROOT / d).glob("*.py"))}
# Declared but never imported by name, each for a reason pip cannot see.
RUNTIME_ONLY = {
    "brotli": "Scrapy decompresses Content-Encoding: br only when it is installed",
    "lxml-html-clean": "trafilatura imports lxml.html.clean, which lxml >= 5.2 ships separately",
}
# Imported from the tests only through what the project itself depends on.
DEV_ONLY = {"mypy": "type-checks pipeline/ and storage/", "pytest-timeout": "the [tool.pytest] timeout"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared(group: str | None = None) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_name(r): r for r in reqs}


def _is_lazy_import(node: ast.AST) -> bool:
    """`importlib.import_module("x")` or pipeline.document's `_require("x", ...)`: imports on first use."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    arg = node.args[0]
    return name in ("import_module", "_require") and isinstance(arg, ast.Constant) and isinstance(arg.value, str)


def _imported_distributions(files: list[Path]) -> dict[str, set[str]]:
    """Distribution name -> files importing it, for every absolute third-party import in `files`."""
    owners = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                modules = [node.module]
            elif _is_lazy_import(node):
                modules = [node.args[0].value]  # type: ignore[attr-defined]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY or top == "__future__":
                    continue
                assert top in owners, f"{path.relative_to(ROOT)} imports {top}, which no installed distribution provides"
                for dist in owners[top]:
                    found.setdefault(dist.lower().replace("_", "-"), set()).add(str(path.relative_to(ROOT)))
    return found


def _code_files() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")] + [ROOT / "scheduler.py"]


def test_every_import_of_the_code_is_declared_and_every_dependency_is_used() -> None:
    declared = _declared()
    imported = _imported_distributions(_code_files())
    undeclared = {d: sorted(files)[:3] for d, files in imported.items() if d not in declared}
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"
    unused = set(declared) - set(imported) - set(RUNTIME_ONLY)
    assert not unused, f"declared but never imported (drop them or say why in RUNTIME_ONLY): {sorted(unused)}"


def test_every_import_of_the_tests_is_declared() -> None:
    declared = _declared() | _declared("dev")
    imported = _imported_distributions(sorted((ROOT / "tests").glob("*.py")) + sorted((ROOT / "bench").glob("*.py")))
    assert not {d for d in imported if d not in declared}, sorted(set(imported) - set(declared))
    assert not set(_declared("dev")) - set(imported) - set(DEV_ONLY)


@pytest.mark.parametrize(("dist", "floor"), [("trafilatura", "2.0"), ("scrapy", "2.19"), ("lxml-html-clean", "0.4"),
                                             ("charset-normalizer", "3.4")])
def test_dependencies_have_the_lower_bounds_the_code_needs(dist: str, floor: str) -> None:
    requirement = _declared()[dist]
    assert re.search(rf">=\s*{re.escape(floor)}\b", requirement), requirement


def test_every_dependency_has_a_lower_bound() -> None:
    for group in (None, "dev"):
        for name, requirement in _declared(group).items():
            assert ">=" in requirement, f"{requirement}: no lower bound"


# A Python started with this import hook behaves like an installation made by an older pip, which left
# out lxml_html_clean: lxml.html.clean, and with it trafilatura, cannot be imported.
_BLOCK_LXML_HTML_CLEAN = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name in ("lxml_html_clean", "lxml.html.clean"):
            raise ImportError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
"""


def _run_without_lxml_html_clean(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _BLOCK_LXML_HTML_CLEAN + code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


PAGE = b"<html><head><title>Night Ferry</title></head><body><article><p>" + b"Night Ferry opens on March 5, 2027. " * 20 + b"</p></article></body></html>"


def test_a_missing_trafilatura_raises_instead_of_using_the_fallback(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    result = _run_without_lxml_html_clean(
        "from pipeline.document import read_html\n"
        "from pipeline.errors import MissingDependency\n"
        f"try:\n    doc = read_html(open({str(page)!r}, 'rb').read(), source='page.html')\n"
        "except MissingDependency as exc:\n    print('raised', exc)\n"
        "else:\n    print('read', doc.warnings)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("raised missing dependency: trafilatura cannot be imported"), result.stdout
    assert "lxml" in result.stdout


def test_the_cli_says_which_dependency_is_missing_in_one_line(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    result = _run_without_lxml_html_clean(f"from releasewatch.cli import main\nmain(['extract', {str(page)!r}])\n")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: missing dependency: trafilatura"), result.stderr
    assert "Traceback" not in result.stderr


def test_a_page_that_trafilatura_fails_on_still_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    from pipeline.document import read_html

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("odd markup")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    doc = read_html(PAGE, source="page.html")
    assert "Night Ferry opens on March 5, 2027." in doc.text
    assert any("trafilatura failed (ValueError)" in w for w in doc.warnings)
