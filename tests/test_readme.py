"""The README and the docs/ pages: what a newcomer reads is what the server does."""

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_EMAIL, DEMO_PASSWORD
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
API_REFERENCE = (ROOT / "docs" / "api.md").read_text()
ROW = re.compile(r"^\| `(?P<id>[A-Za-z]+)` \| `(?P<method>[A-Z]+) (?P<path>/api[^`]*)`", re.MULTILINE)
TOUR = re.compile(r"<!-- tour:start -->\n```sh\n(?P<block>.*?)```\n<!-- tour:end -->", re.DOTALL)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def test_the_readme_starts_with_the_two_commands():
    commands = README.index("## Two commands")
    assert README.index("make run", commands) < README.index("make test", commands) < README.index("\n## ", commands + 1)


def test_the_readme_is_short_enough_to_read():
    assert len(README.splitlines()) <= 250


def test_the_first_screen_says_where_to_go_and_how_to_log_in():
    first_screen = README[: README.index("## A tour with curl")]
    for url in ("http://127.0.0.1:5000/", "http://127.0.0.1:5000/api/docs", "http://127.0.0.1:5000/api/openapi.json"):
        assert url in first_screen
    for login in (DEMO_EMAIL, DEMO_PASSWORD, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD):
        assert f"`{login}`" in first_screen


def test_the_api_table_lists_exactly_the_documented_operations(client):
    document = client.get("/api/openapi.json").json
    documented = {
        (op["operationId"], method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    in_reference = {(row["id"], row["method"], row["path"]) for row in ROW.finditer(API_REFERENCE)}
    assert in_reference == documented


def test_every_setting_the_server_reads_is_documented_in_env_example():
    example = (ROOT / ".env.example").read_text()
    sources = "".join((ROOT / name).read_text() for name in ("config.py", "gunicorn.conf.py", "server.py"))
    read = set(re.findall(r"""env(?:_int|_bool)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", sources))
    assert len(read) > 40  # the pattern still finds what the modules read
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert read - documented == set()


def heading_anchors(markdown):
    """The anchors GitHub gives a Markdown file's headings."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))])
def test_every_link_between_the_pages_leads_somewhere(page):
    source = ROOT / page
    broken = []
    for match in LINK.finditer(source.read_text()):
        target = match["target"]
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        linked = (source.parent / path).resolve() if path else source
        if not linked.exists() or (anchor and anchor not in heading_anchors(linked.read_text())):
            broken.append(target)
    assert broken == []


@pytest.mark.live
def test_the_curl_tour_runs_as_written_and_its_edit_sticks():
    block = TOUR.search(README)["block"]
    assert "127.0.0.1:5000" in block  # the reader's server; the test only points API at its own
    # No comments: zsh (macOS's shell) runs a pasted "# ..." line as a command unless told otherwise.
    assert not re.search(r"(^|\s)#", block)
    with live_server() as base:
        # -e and pipefail: any step that fails (a missing token, id or header) stops the tour with an error.
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block],
            env={"PATH": os.environ["PATH"], "API": f"{base}/api"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        movie_id = re.search(r"^movie id: (\w+)$", result.stdout, re.MULTILINE)[1]
        with urllib.request.urlopen(f"{base}/api/movies/{movie_id}", timeout=10) as response:
            movie = json.load(response)
    assert "stale If-Match: 412" in result.stdout
    assert re.search(r"^ETag: \"[^\"]+\"$", result.stdout, re.MULTILINE)
    assert (movie["name"], movie["genres"], movie["rating"]) == ("Heat", ["Crime", "Thriller"], {"average": 9.0, "count": 1})
