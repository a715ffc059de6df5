"""The page ships with the package, is served without a key, and a fresh
machine gets its browser from the README's test command."""

import fnmatch
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "api" / "page"


def test_every_page_file_is_package_data():
    """An installed (not editable) package carries every file of the page."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["api"]
    files = [path.relative_to(ROOT / "api").as_posix() for path in PAGE.rglob("*") if path.is_file()]
    assert "page/index.html" in files
    left_out = [name for name in files if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)]
    assert left_out == []


def test_the_page_is_served_without_a_key_and_the_schema_tells_it_a_key_is_needed(tmp_path):
    client = TestClient(create_app(Settings(models_dir=tmp_path, api_keys=["k1"])))
    page = client.get("/")
    assert page.status_code == 200 and 'src="/page/js/main.js"' in page.text
    assert client.get("/page/js/main.js").status_code == 200
    assert client.get("/page/i18n/fr.json").json()["submit"] == "Recommander des pratiques"
    # The page shows its key field when the schema declares the key (schema.js, needsKey).
    assert client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert client.get("/v1/practices").status_code == 401


def test_the_page_names_no_other_host():
    """No URL to another host in any file of the page (the SVG namespace is a name, not a request)."""
    urls = {url for path in PAGE.rglob("*") if path.is_file()
            for url in re.findall(r"https?://[^\s\"'`)]+", path.read_text(encoding="utf-8"))}
    assert urls <= {"http://www.w3.org/2000/svg"}


def test_the_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = re.search(r"## Quick start\s*```bash\n(.*?)```", readme, re.S).group(1).splitlines()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == [quick_start[1]]
    assert "tools/install_browser.py" in quick_start[1]


def test_install_browser_does_nothing_when_the_browser_is_there():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "install_browser.py")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "/usr/bin/chromium is there" in result.stdout


def test_install_browser_fails_in_one_line_without_apt(tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import install_browser
    finally:
        sys.path.remove(str(ROOT / "tools"))
    monkeypatch.setattr(install_browser, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert install_browser.main() == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "no apt-get" in lines[0] and "apt-get install chromium" in lines[0]
