"""The Postman collections as a person imports them: where they send requests, what they show, whom they log in as.

Running them is `make test-postman` (tests/run_newman.py); these check what an import shows before any run.
"""

import json
import re
from pathlib import Path

import pytest

from database.demo import DEMO_EMAIL, DEMO_PASSWORD

POSTMAN = Path(__file__).resolve().parent.parent / "postman"
EXPLORE = json.loads((POSTMAN / "movie-bag-explore.postman_collection.json").read_text())
TESTS = json.loads((POSTMAN / "movie-bag.postman_collection.json").read_text())
ENVIRONMENT = json.loads((POSTMAN / "local.postman_environment.json").read_text())
STATUS = re.compile(r"pm\.response\.to\.have\.status\((\d+)\)")


def requests_of(collection):
    """Every request item of a collection, folder by folder."""
    return [item for folder in collection["item"] for item in folder["item"]]


def variables(collection):
    """A collection's variables as a dict."""
    return {variable["key"]: variable["value"] for variable in collection["variable"]}


@pytest.mark.parametrize("collection", [EXPLORE, TESTS], ids=["explore", "tests"])
def test_every_request_goes_to_base_url(collection):
    urls = [item["request"]["url"]["raw"] for item in requests_of(collection)]
    assert [url for url in urls if not url.startswith(("{{baseUrl}}/api/", "{{posterUrl}}"))] == []


def test_the_environment_points_at_make_run():
    values = {value["key"]: value["value"] for value in ENVIRONMENT["values"]}
    assert values["baseUrl"] == "http://127.0.0.1:5000"  # where `make run` serves by default


def test_the_exploration_folders_go_in_the_order_a_person_explores():
    assert [folder["name"] for folder in EXPLORE["item"]] == [
        "Catalogue: browse and search",
        "One movie",
        "Sign in and your account",
        "My ratings, reviews and watchlist",
        "Add and edit a movie",
    ]


def test_the_exploration_collection_logs_in_as_make_runs_demo_user_by_itself():
    assert (variables(EXPLORE)["demoEmail"], variables(EXPLORE)["demoPassword"]) == (DEMO_EMAIL, DEMO_PASSWORD)
    assert variables(EXPLORE)["baseUrl"] == "http://127.0.0.1:5000"  # works before an environment is picked
    assert all(variables(EXPLORE)[name] == "" for name in ("accessToken", "refreshToken", "accessTokenExpiresAt"))
    pre_request = "\n".join(next(e for e in EXPLORE["event"] if e["listen"] == "prerequest")["script"]["exec"])
    assert "/api/auth/login" in pre_request and "/api/auth/refresh" in pre_request
    assert EXPLORE["auth"]["bearer"][0]["value"] == "{{accessToken}}"


@pytest.mark.parametrize("item", requests_of(EXPLORE), ids=lambda item: item["name"])
def test_every_exploration_request_has_a_saved_example_of_the_status_it_expects(item):
    tests = "\n".join(line for event in item["event"] if event["listen"] == "test" for line in event["script"]["exec"])
    expected = {int(code) for code in STATUS.findall(tests)} or {int(c) for c in re.findall(r"oneOf\(\[([\d, ]+)\]", tests)[0].split(",")}
    assert len(item["response"]) >= 1
    assert item["response"][0]["code"] in expected
    assert item["response"][0]["code"] != 401


def test_the_test_collection_ends_by_deleting_its_accounts_and_checking_nothing_is_left():
    clean_up = TESTS["item"][-1]
    assert clean_up["name"] == "Clean up"
    steps = [(item["request"]["method"], item["request"]["url"]["raw"]) for item in clean_up["item"]]
    assert ("DELETE", "{{baseUrl}}/api/users/{{userId}}") in steps
    assert ("DELETE", "{{baseUrl}}/api/users/{{otherUserId}}") in steps
    assert ("GET", "{{baseUrl}}/api/users?q={{runId}}") in steps
    assert ("GET", "{{baseUrl}}/api/movies?q={{runId}}") in steps
