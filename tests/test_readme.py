"""The README's two commands and its API table: what a newcomer reads is what the server does."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
ROW = re.compile(r"^\| `(?P<id>[A-Za-z]+)` \| `(?P<method>[A-Z]+) (?P<path>/api[^`]*)`", re.MULTILINE)


def test_the_readme_starts_with_the_two_commands():
    commands = README.index("## Two commands")
    assert README.index("make run", commands) < README.index("make test", commands) < README.index("\n## ", commands + 1)


def test_the_api_table_lists_exactly_the_documented_operations(client):
    document = client.get("/api/openapi.json").json
    documented = {
        (op["operationId"], method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    in_readme = {(row["id"], row["method"], row["path"]) for row in ROW.finditer(README)}
    assert in_readme == documented


def test_every_setting_the_server_reads_is_documented_in_env_example():
    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text()
    sources = "".join((root / name).read_text() for name in ("config.py", "gunicorn.conf.py", "server.py"))
    read = set(re.findall(r"""env(?:_int|_bool)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", sources))
    assert len(read) > 40  # the pattern still finds what the modules read
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert read - documented == set()
