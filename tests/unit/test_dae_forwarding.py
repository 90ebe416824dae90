"""`make dae-hooks`: the text of the forwarding hooks and the Action (run in Node: tests/e2e/test_dae_forwarding.py).

Each hook's route is template.yaml's, its refusal status and answer field the registry's; the text
is what the extension's editor takes (`function (ctx, callback) {...}`) in ES5, with require('request')
only, and no value a URL can carry breaks out of its string.
"""

from __future__ import annotations

import json
import re

import pytest

from dahooks.hook_types import HOOK_TYPES
from local.template import Template
from tools.dae.extension import EXTENSION_HOOKS, hook_for_script_key
from tools.dae.forwarding import (
    CUSTOM_DATA_KEY,
    DEFAULT_BUDGET_MS,
    GeneratorError,
    api_base,
    forwarding_hook,
    hook_routes,
    registration_action,
    registration_route,
    write_all,
)

TEMPLATE = Template()
ROUTES = hook_routes(TEMPLATE)
BASE = "https://abc123.execute-api.eu-west-1.amazonaws.com"
# Syntax newer than ES5, which the extension's sandbox may not run.
NEWER_THAN_ES5 = re.compile(r"=>|`|\.\.\.|\b(?:let|const|class|async|await|of)\b\s")


def config_of(script: str) -> dict:
    match = re.search(r"var config = (\{.*?\});\n", script)
    assert match, "no config line"
    return json.loads(match.group(1))


def code_of(script: str) -> str:
    """The script without its comments."""
    return "\n".join(line for line in script.splitlines() if not line.strip().startswith("//"))


def test_the_extension_knows_every_hook_type_by_one_title():
    assert set(EXTENSION_HOOKS) == set(HOOK_TYPES)
    assert len({entry.title for entry in EXTENSION_HOOKS.values()}) == len(HOOK_TYPES)


@pytest.mark.parametrize(
    ("key", "hook"),
    [("filter", "filter"), ("create", "write"), ("write", "write"), ("customDomain", "custom-domain"), ("rules", None)],
)
def test_script_keys_of_the_stored_document_name_their_hook_type(key, hook):
    entry = hook_for_script_key(key)

    assert (entry.hook.name if entry else None) == hook


@pytest.mark.parametrize("name", sorted(HOOK_TYPES))
def test_forwarding_hook_posts_to_the_template_route_and_answers_as_the_registry_says(name):
    hook = HOOK_TYPES[name]

    config = config_of(forwarding_hook(hook, ROUTES[name], BASE))

    assert config["url"] == BASE + ROUTES[name].path
    assert ROUTES[name].path == f"/hooks/{name}"
    assert config["refusalStatus"] == hook.refusal_status
    assert config["resultField"] == hook.result_field
    assert config["budgetMs"] == DEFAULT_BUDGET_MS
    assert config["customDataKey"] == CUSTOM_DATA_KEY


@pytest.mark.parametrize("name", sorted(HOOK_TYPES))
def test_forwarding_hook_is_an_es5_function_of_ctx_and_callback_that_requires_only_request(name):
    script = forwarding_hook(HOOK_TYPES[name], ROUTES[name], BASE)

    assert script.startswith("function (ctx, callback) {\n")
    assert script.rstrip().endswith("}")
    assert NEWER_THAN_ES5.findall(code_of(script)) == []
    assert set(re.findall(r"require\(([^)]*)\)", code_of(script))) == {"'request'"}
    assert "ctx.read()" in script
    assert "ctx.global" in script


def test_forwarding_hook_holds_no_credential_only_where_to_read_one():
    script = forwarding_hook(HOOK_TYPES["access"], ROUTES["access"], BASE)

    assert "data[config.customDataKey]" in script
    assert re.search(r"client_?secret\s*[:=]\s*['\"]", script, re.IGNORECASE) is None


@pytest.mark.parametrize("url", ['https://x.example/a"b', "https://x.example/</script>'+1+'//x"])
def test_a_url_cannot_break_out_of_its_string(url):
    script = forwarding_hook(HOOK_TYPES["filter"], ROUTES["filter"], url)

    assert config_of(script)["url"] == url + "/hooks/filter"


@pytest.mark.parametrize(
    "url",
    ["https://x.example/\u2028x", "https://x.example/\nalert(1)", "https://bücher.example", "https://x.example/a b"],
)
def test_a_url_that_could_end_a_comment_line_or_is_not_ascii_is_refused(url):
    with pytest.raises(GeneratorError, match="ASCII"):
        forwarding_hook(HOOK_TYPES["filter"], ROUTES["filter"], url)


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://api.example.com/", "https://api.example.com"),
        ("https://api.example.com/prod/", "https://api.example.com/prod"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://localhost:3000/", "http://localhost:3000"),
    ],
)
def test_api_base_is_the_url_without_its_trailing_slash(url, base):
    assert api_base(url) == base


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com",
        "ftp://api.example.com",
        "api.example.com",
        "https://api.example.com/?a=1",
        "https://u:p@api.example.com",
        "https://",
    ],
)
def test_api_base_refuses_a_url_hooks_should_not_post_to(url):
    with pytest.raises(GeneratorError):
        api_base(url)


@pytest.mark.parametrize("budget_ms", [0, 499, 15001])
def test_a_budget_outside_the_range_is_refused(budget_ms):
    with pytest.raises(GeneratorError, match="budget"):
        forwarding_hook(HOOK_TYPES["access"], ROUTES["access"], BASE, budget_ms)


def test_action_posts_the_registration_to_the_intake_route_of_the_template():
    route = registration_route(TEMPLATE)

    action = registration_action(route, BASE)

    assert route.path == "/hooks/post-user-registration"
    assert "exports.onExecutePostUserRegistration = async (event, api) =>" in action
    assert json.loads(re.search(r"const CONFIG = (\{.*?\});\n", action).group(1))["url"] == BASE + route.path
    assert "event.secrets" in action
    assert "api.cache" in action


def test_write_all_writes_one_file_per_hook_type_the_action_the_custom_data_key_and_a_readme(tmp_path):
    written = write_all(tmp_path, BASE)

    names = sorted(item.path.name for item in written)
    assert names == sorted(
        [*(f"{name}.js" for name in HOOK_TYPES), "post-user-registration-action.js", "custom-data.json", "README.md"]
    )
    assert list(json.loads((tmp_path / "custom-data.json").read_text())) == [CUSTOM_DATA_KEY]
    readme = (tmp_path / "README.md").read_text()
    assert all(entry.title in readme for entry in EXTENSION_HOOKS.values())
