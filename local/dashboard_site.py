"""The dashboard's pages on the local gateway, as CloudFront serves them in AWS.

`make run` serves dashboard/ at http://127.0.0.1:3000/ (a path no template route has), with:

- the security headers of the template's own response headers policy (`DashboardHeaders`: its
  Content-Security-Policy, HSTS, nosniff, framing, referrer, permissions), the sign-in origin being
  the local one, so that the pages are tried locally under the policy they get in AWS;
- `/config.json`, which in AWS `make publish-dashboard` writes from the stack's outputs: where the
  API is (here: the same origin) and where users sign in (here: `local_login`, the local stand-in
  for the pool's managed login, with the local pool's dashboard client).
"""

from __future__ import annotations

import json
import mimetypes
from typing import TYPE_CHECKING, Any

from .http_api import HttpResponse

if TYPE_CHECKING:
    from pathlib import Path

    from .http_api import HttpRequest
    from .local_login import LocalLogin
    from .template import Template

HEADERS_POLICY = "DashboardHeaders"
SIGN_IN_ORIGIN = "SignInOrigin"  # the variable of the policy's Content-Security-Policy naming the managed login
CONFIG_PATH = "/config.json"
SCOPES = "openid email profile"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


def content_type(path: Path) -> str:
    """The Content-Type a page file is served with (here and by `make publish-dashboard`)."""
    return CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def page_files(root: Path) -> list[Path]:
    """Every file of the dashboard, relative to `root`, in a stable order."""
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file() and path.name != "config.json")


def security_headers(template: Template, sign_in_origin: str) -> dict[str, str]:
    """The headers the template's response headers policy adds, its CSP naming `sign_in_origin`."""
    config = template.resources[HEADERS_POLICY]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    text, variables = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    policy = template.resolve({"Fn::Sub": [text, {**variables, SIGN_IN_ORIGIN: sign_in_origin}]})
    hsts = security["StrictTransportSecurity"]
    headers = {
        "content-security-policy": " ".join(str(policy).split()),
        "strict-transport-security": f"max-age={hsts['AccessControlMaxAgeSec']}"
        + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
        + ("; preload" if hsts.get("Preload") else ""),
        "x-content-type-options": "nosniff",
        "x-frame-options": security["FrameOptions"]["FrameOption"],
        "referrer-policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"].lower()] = item["Value"]
    return headers


def local_config(client_id: str) -> dict[str, Any]:
    """The pages' config.json locally: the API on the same origin, the local managed login."""
    from .local_login import PREFIX

    return {"apiUrl": "", "signIn": {"domain": PREFIX, "clientId": client_id, "scope": SCOPES}, "local": True}


class DashboardSite:
    """Answers what no template route does: the pages, their config.json and the local sign-in."""

    def __init__(
        self, root: Path, headers: dict[str, str], config: dict[str, Any], login: LocalLogin | None = None
    ) -> None:
        self.root = root.resolve()
        self.headers = headers
        self.config = json.dumps(config).encode()
        self.login = login

    async def answer(self, request: HttpRequest) -> HttpResponse | None:
        """The site's response to `request`, or None when it is none of the site's (the gateway's 404)."""
        if self.login is not None and self.login.handles(request.path):
            return self._secured(await self.login.answer(request))
        if request.method not in ("GET", "HEAD"):
            return None
        if request.path == CONFIG_PATH:
            return self._secured(HttpResponse(200, {"content-type": "application/json"}, self.config))
        file = self._file(request.path)
        if file is None:
            return None
        return self._secured(HttpResponse(200, {"content-type": content_type(file)}, file.read_bytes()))

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/") or "index.html"
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def _secured(self, response: HttpResponse) -> HttpResponse:
        # The pages change with every edit: the browser asks again each time (CloudFront caches them).
        response.headers = {"cache-control": "no-cache", **response.headers, **self.headers}
        return response


def dashboard_site(template: Template, root: Path, login: LocalLogin | None) -> DashboardSite | None:
    """The site for `template` when it has the dashboard (its headers policy) and `root` exists."""
    if HEADERS_POLICY not in template.resources or not root.is_dir():
        return None
    config = local_config(login.pool.client_id if login else "")
    return DashboardSite(root, security_headers(template, ""), config, login)
