"""The fake Telegram server's "Getting updates" methods: getUpdates (long polling),
setWebhook, deleteWebhook and getWebhookInfo."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.telegram_api_base import TelegramApiBase
from tests.fakes.telegram_wire import (
    NOT_SENT_BY_DEFAULT,
    POLL_CONFLICT,
    WEBHOOK_CONFLICT,
    WEBHOOK_PORTS,
    ApiError,
    MethodReply,
    UploadedFile,
    WebhookConfig,
    as_bool,
    as_float,
    as_int,
    bad_request,
)


class GettingUpdates(TelegramApiBase):
    """getUpdates, setWebhook, deleteWebhook and getWebhookInfo, and which updates they pass."""

    def _set_webhook(self, params: dict[str, Any]) -> MethodReply:
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params)
        parsed = urlsplit(url)
        if not parsed.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        if not self.allow_http_webhook:
            if parsed.scheme.lower() != "https":
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if (parsed.port or 443) not in WEBHOOK_PORTS:
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        drop = as_bool(params.get("drop_pending_updates", False))
        if drop:
            self._updates.clear()
        if allowed is not None:
            self._allowed_updates = [str(kind) for kind in allowed]
        self.webhook = WebhookConfig(
            url=url,
            secret_token=None if secret is None else str(secret),
            allowed_updates=None if allowed is None else list(self._allowed_updates or []),
            drop_pending_updates=drop,
            max_connections=as_int(params, "max_connections", 40) or 40,
            ip_address=None if params.get("ip_address") is None else str(params["ip_address"]),
            has_custom_certificate=isinstance(params.get("certificate"), UploadedFile),
        )
        self._pulse()  # a waiting getUpdates ends with 409
        return MethodReply(True, "Webhook was set")

    def _delete_webhook(self, params: dict[str, Any]) -> MethodReply:
        if as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        was_set = self.webhook is not None
        self.webhook = None
        return MethodReply(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": bool(self.webhook and self.webhook.has_custom_certificate),
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.ip_address:
                info["ip_address"] = self.webhook.ip_address
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _is_allowed(self, kind: str | None) -> bool:
        if kind is None:
            return False
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in NOT_SENT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = as_int(params, "offset", 0) or 0
        limit = min(max(as_int(params, "limit", 100) or 100, 1), 100)
        timeout = max(as_float(params, "timeout", 0.0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse()  # an older waiting getUpdates ends with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            if self._updates or self._closing.is_set():
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            wakeup = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)
