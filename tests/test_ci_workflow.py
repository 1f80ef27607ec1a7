"""The upstream CI workflow: valid for GitHub Actions (actionlint), and running what `make test` runs plus the wire tier on MongoDB 7."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ACTIONLINT = Path(sys.executable).with_name("actionlint")


def actionlint(path):
    """actionlint's exit code and findings for a workflow file."""
    result = subprocess.run([str(ACTIONLINT), "-no-color", str(path)], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


def test_actionlint_finds_nothing_in_the_workflow():
    assert actionlint(WORKFLOW) == (0, "")


def test_actionlint_does_flag_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.04\n    needs: nothing-by-this-name"))
    code, findings = actionlint(broken)
    assert code != 0 and "nothing-by-this-name" in findings


def test_the_workflow_runs_make_test_and_the_wire_tier_on_a_mongodb_7_replica_set():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["test"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "bash .ci/run" in scripts and "make test-wire" in scripts
    assert "mongo:7 --replSet rs0" in scripts and "rs.initiate" in scripts
    wire = next(step for step in steps if step.get("run") == "make test-wire")
    assert wire["env"]["MONGODB_TEST_URI"].endswith("replicaSet=rs0")
