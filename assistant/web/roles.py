"""Who may do what in the web app. Readers ask questions. Only the administrator (TRIALQA_WEB_ADMIN)
changes the shared index, runs the evaluation or drafts FAQs with the LLM; without one, the shared
index changes only through `trialqa ingest`. Credentials are checked in constant time and never
printed."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from assistant.settings import Settings


class CredentialsError(ValueError):
    """A credential setting that cannot be used; the message names the setting, never its value."""


def parse_credentials(value: str, setting: str) -> tuple[str, str]:
    user, colon, password = value.partition(":")
    if not colon:
        raise CredentialsError(f"{setting} must be user:password; the value has no colon")
    if not user.strip() or not password:
        raise CredentialsError(f"{setting} must be user:password with a non-empty user and password")
    return user.strip(), password


@dataclass(frozen=True)
class Roles:
    reader: tuple[str, str] | None = None
    admin: tuple[str, str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Roles:
        reader = parse_credentials(settings.web.auth, "TRIALQA_WEB_AUTH") if settings.web.auth else None  # "" = unset
        admin_value = settings.web.admin.get_secret_value() if settings.web.admin is not None else None
        admin = parse_credentials(admin_value, "TRIALQA_WEB_ADMIN") if admin_value else None
        if reader and admin and reader[0] == admin[0]:
            raise CredentialsError(
                "TRIALQA_WEB_AUTH and TRIALQA_WEB_ADMIN name the same user; give them different users"
            )
        return cls(reader, admin)

    @property
    def login_required(self) -> bool:
        return self.reader is not None or self.admin is not None

    def check_login(self, user: str, password: str) -> bool:
        """Gradio's login callback: the reader's or the administrator's credentials."""
        accounts = [account for account in (self.reader, self.admin) if account is not None]
        # every account is compared (no early exit) so the time taken says nothing about which matched
        matches = [_same(user, known_user) & _same(password, known_password) for known_user, known_password in accounts]
        return any(matches)

    def is_admin(self, username: str | None) -> bool:
        return self.admin is not None and username is not None and _same(username, self.admin[0])


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
