"""OAuth grants: authorization codes, refresh tokens (per-app policy) and access tokens.

Refresh tokens form families: a rotated token's successor stays in the family, so
replaying a rotated-out token can revoke the family and every session it issued.
"""

import base64
import hashlib
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .clock import Clock
from .config import ConnectedAppConfig


@dataclass
class AuthCode:
    code: str
    app: ConnectedAppConfig
    user_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str | None
    expires_at: float


@dataclass
class RefreshToken:
    token: str
    app: ConnectedAppConfig
    user_id: str
    scopes: list[str]
    family: str
    issued_at: float
    last_used: float
    rotated: bool = False


@dataclass
class AccessToken:
    token: str
    app: ConnectedAppConfig | None
    user_id: str
    scopes: list[str]
    family: str | None
    issued_at: float
    expires_at: float


@dataclass(frozen=True)
class Connection:
    """One approval as an admin sees it: a refresh-token family and its live sessions, no token values."""

    family: str
    app: ConnectedAppConfig
    user_id: str
    scopes: list[str]
    issued_at: float
    last_used: float
    sessions: int


@dataclass
class Grants:
    codes: dict[str, AuthCode] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class TokenService:
    def __init__(self, clock: Clock, org_id: str, access_seconds: int, code_seconds: int, max_approvals: int) -> None:
        self.clock = clock
        self.org_id = org_id
        self.access_seconds = access_seconds
        self.code_seconds = code_seconds
        self.max_approvals = max_approvals
        self.grants = Grants()
        self.lock = threading.Lock()
        self.on_change: Callable[[], None] = lambda: None

    def issue_code(
        self, app: ConnectedAppConfig, user_id: str, redirect_uri: str, scopes: list[str], challenge: str | None
    ) -> str:
        code = "aPrx" + secrets.token_urlsafe(48) + "=="
        with self.lock:
            self.grants.codes[code] = AuthCode(
                code, app, user_id, redirect_uri, scopes, challenge, self.clock.now() + self.code_seconds
            )
        return code

    def take_code(self, code: str) -> AuthCode | None:
        """Codes are single use: taking one removes it whether or not the exchange succeeds."""
        with self.lock:
            grant = self.grants.codes.pop(code, None)
        if grant is None or grant.expires_at <= self.clock.now():
            return None
        return grant

    def issue_access(
        self, app: ConnectedAppConfig | None, user_id: str, scopes: list[str], family: str | None
    ) -> AccessToken:
        now = self.clock.now()
        token = self.org_id[:15] + "!" + secrets.token_urlsafe(72).replace("-", ".")
        grant = AccessToken(token, app, user_id, scopes, family, now, now + self.access_seconds)
        with self.lock:
            self.grants.access[token] = grant
        self.on_change()
        return grant

    def issue_refresh(
        self, app: ConnectedAppConfig, user_id: str, scopes: list[str], family: str | None = None
    ) -> RefreshToken:
        """A new refresh token; a new family is an approval, and the sixth evicts the oldest."""
        now = self.clock.now()
        token = "5Aep861" + secrets.token_urlsafe(60).replace("-", ".")
        grant = RefreshToken(token, app, user_id, scopes, family or secrets.token_hex(8), now, now)
        with self.lock:
            self.grants.refresh[token] = grant
        if family is None:
            families = sorted(
                {
                    (r.issued_at, r.family)
                    for r in self.grants.refresh.values()
                    if r.user_id == user_id and r.app is app and not r.rotated
                }
            )
            for _, oldest in families[: max(0, len(families) - self.max_approvals)]:
                self.revoke_family(oldest)
        self.on_change()
        return grant

    def use_refresh(self, token: str) -> RefreshToken | None:
        """The live refresh token, or None; replaying a rotated-out token revokes its family."""
        grant = self.grants.refresh.get(token)
        if grant is None:
            return None
        if grant.rotated:
            self.revoke_family(grant.family)
            return None
        if not self._refresh_alive(grant):
            self.revoke_family(grant.family)
            return None
        grant.last_used = self.clock.now()
        self.on_change()
        return grant

    def _refresh_alive(self, grant: RefreshToken) -> bool:
        policy, seconds, now = grant.app.refresh_token_policy, grant.app.refresh_token_seconds, self.clock.now()
        if policy == "immediately":
            return False
        if policy == "expire_after":
            return now < grant.issued_at + seconds
        if policy == "expire_if_unused":
            return now < grant.last_used + seconds
        return True

    def rotate(self, grant: RefreshToken) -> RefreshToken:
        grant.rotated = True
        return self.issue_refresh(grant.app, grant.user_id, grant.scopes, grant.family)

    def authenticate(self, token: str) -> AccessToken | None:
        grant = self.grants.access.get(token)
        if grant is None:
            return None
        if grant.expires_at <= self.clock.now():
            self.grants.access.pop(token, None)
            return None
        return grant

    def revoke(self, token: str) -> bool:
        """Revoke an access token (that session only) or a refresh token (with its sessions)."""
        with self.lock:
            if self.grants.access.pop(token, None) is not None:
                self.on_change()
                return True
        grant = self.grants.refresh.get(token)
        if grant is None:
            return False
        self.revoke_family(grant.family)
        return True

    def revoke_family(self, family: str) -> None:
        with self.lock:
            for key in [k for k, r in self.grants.refresh.items() if r.family == family]:
                del self.grants.refresh[key]
            for key in [k for k, a in self.grants.access.items() if a.family == family]:
                del self.grants.access[key]
        self.on_change()

    def revoke_user(self, user_id: str) -> int:
        families = {r.family for r in self.grants.refresh.values() if r.user_id == user_id}
        for family in families:
            self.revoke_family(family)
        return len(families)

    def expire_sessions(self, family: str | None = None) -> int:
        """End access tokens (all, or one approval's) while refresh tokens keep working."""
        with self.lock:
            ended = [k for k, a in self.grants.access.items() if family is None or a.family == family]
            for key in ended:
                del self.grants.access[key]
        self.on_change()
        return len(ended)

    def connections(self) -> list[Connection]:
        """Live approvals, oldest first, each with its count of unexpired sessions."""
        now = self.clock.now()
        with self.lock:
            sessions = Counter(a.family for a in self.grants.access.values() if a.expires_at > now)
            live = sorted((r for r in self.grants.refresh.values() if not r.rotated), key=lambda r: r.issued_at)
        return [
            Connection(r.family, r.app, r.user_id, r.scopes, r.issued_at, r.last_used, sessions[r.family]) for r in live
        ]

    def connection(self, family: str) -> Connection | None:
        return next((c for c in self.connections() if c.family == family), None)

    def approvals(self) -> list[dict[str, object]]:
        return [
            {
                "user_id": c.user_id,
                "app": c.app.name,
                "family": c.family,
                "issued_at": c.issued_at,
                "last_used": c.last_used,
            }
            for c in self.connections()
        ]

    def export(self) -> dict[str, Any]:
        """Refresh and access tokens as JSON-ready data (codes are short-lived and not kept)."""

        def plain(grant: RefreshToken | AccessToken) -> dict[str, Any]:
            data = asdict(grant)
            data["app"] = grant.app.consumer_key if grant.app else None
            return data

        with self.lock:
            return {
                "refresh": [plain(r) for r in self.grants.refresh.values()],
                "access": [plain(a) for a in self.grants.access.values()],
            }

    def restore(self, data: dict[str, Any], apps: dict[str, ConnectedAppConfig]) -> None:
        with self.lock:
            for item in data.get("refresh", []):
                if item["app"] in apps:
                    self.grants.refresh[item["token"]] = RefreshToken(**{**item, "app": apps[item["app"]]})
            for item in data.get("access", []):
                self.grants.access[item["token"]] = AccessToken(**{**item, "app": apps.get(item["app"] or "")})
