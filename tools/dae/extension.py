"""The extension's own names for our hook types: on its configuration page, and in its stored document.

One entry per hook type of `dahooks.hook_types.HOOK_TYPES` (a test holds the two together). The
stored document's script keys are those of the extension's configuration as its users describe it
(`filter`, `access`, `create` for the write hook, `memberships`, `settings`, `customDomain`); the
other spellings seen in exports are accepted too. docs/migration.md says what could not be verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from dahooks.hook_types import ACCESS, CUSTOM_DOMAIN, FILTER, MEMBERSHIPS, SETTINGS, WRITE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dahooks.hook_types import HookType


@dataclass(frozen=True)
class ExtensionHook:
    """One hook type as the extension knows it."""

    hook: HookType
    title: str  # its name on the extension's configuration page, where its editor is
    script_keys: tuple[str, ...]  # its key in the stored document's "scripts"; the first is the extension's


EXTENSION_HOOKS: Mapping[str, ExtensionHook] = MappingProxyType(
    {
        entry.hook.name: entry
        for entry in (
            ExtensionHook(FILTER, "Filter Hook", ("filter",)),
            ExtensionHook(ACCESS, "Access Hook", ("access",)),
            ExtensionHook(WRITE, "Write Hook", ("create", "write")),
            ExtensionHook(MEMBERSHIPS, "Memberships Query", ("memberships",)),
            ExtensionHook(SETTINGS, "Settings Query", ("settings",)),
            ExtensionHook(CUSTOM_DOMAIN, "Custom Domain Hook", ("customDomain", "custom-domain", "custom_domain")),
        )
    }
)


def hook_for_script_key(key: str) -> ExtensionHook | None:
    """The hook type a key of the stored document's "scripts" holds, or None for a key we do not know."""
    for entry in EXTENSION_HOOKS.values():
        if key in entry.script_keys:
            return entry
    return None
