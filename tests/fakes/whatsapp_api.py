"""A fake WhatsApp Business Cloud API (Meta Graph API) server speaking the real wire format.

`FakeGraphApi` is an aiohttp server on 127.0.0.1 (a free port). ``api.base_url`` stands in for
``https://graph.facebook.com/v23.0``:

* ``POST {base}/{phone_number_id}/messages`` sends text, image, interactive (reply buttons,
  list) and template messages, or marks a message read. Success answers
  ``{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}``;
  failure answers the Graph error object ``{"error": {"message", "type", "code",
  "error_data": {"messaging_product", "details"}, "fbtrace_id"}}`` with Meta's HTTP status
  (see GRAPH_ERRORS; token and unknown-object errors carry no error_data, as on Graph);
* ``POST {base}/{phone_number_id}/media`` uploads a JPEG or PNG image (multipart form:
  ``messaging_product``, ``type``, ``file``) and answers ``{"id": "<media id>"}``; an image
  message then sends it by that id (or sends a ``link``);
* ``GET {base}/{media_id}`` describes a media file and its (bearer-protected) download url;
  ``GET {base}/{phone_number_id}`` describes the business number;
* every request needs ``Authorization: Bearer <token>`` (else 401, code 190).

Deliberate simplifications: only text, image, interactive button/list, template and
mark-as-read requests are understood (other message types answer 100 Invalid parameter);
template components other than "body" are not checked; validation stops at the first error;
any recipient that looks like a phone number exists, and a session window is never enforced
(inject 131047 / 131026 with `fail_next`); no rate limits unless injected. Uploads take only
image/jpeg and image/png (the file part's Content-Type, as Meta reads it) and refuse one over
5 MB at once, where Meta may only fail the later send; an image ``link`` is never fetched.

The fake is in parts: whatsapp_wire.py (constants, Meta's errors, signatures, message ids and
the records), whatsapp_validation.py (the checks of a message request) and this module, the
server with the controls a test uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import itertools
import re
import secrets
import time
from collections import deque
from typing import Any

from aiohttp import web

from tests.fakes.local_server import LocalServer
from tests.fakes.whatsapp_validation import (
    PHONE_NUMBER,
    body_parameters,
    check_interactive,
    check_product,
    check_text,
    text_field,
)
from tests.fakes.whatsapp_wire import (
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_TOKEN,
    DEFAULT_VERSION,
    DISPLAY_PHONE_NUMBER,
    GRAPH_ERRORS,
    IMAGE_TYPES,
    MAX_CAPTION,
    MAX_IMAGE_BYTES,
    TRANSIENT_MESSAGE,
    ApiCall,
    GraphError,
    Media,
    SentImage,
    SentMessage,
    invalid,
    make_wamid,
    required,
    sign,
    unsupported,
)

# What a test works with: the defaults, the errors, signatures and ids, and the fake's records.
__all__ = [
    "DEFAULT_PHONE_NUMBER_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_VERSION",
    "DISPLAY_PHONE_NUMBER",
    "GRAPH_ERRORS",
    "ApiCall",
    "FakeGraphApi",
    "GraphError",
    "Media",
    "SentImage",
    "SentMessage",
    "make_wamid",
    "sign",
]


class _Drop(Exception):
    """Close the connection without answering."""


class _Pass:
    """A send answered as usual, before the faults queued after it."""


PASS = _Pass()


# -- the server --------------------------------------------------------------------------------


class FakeGraphApi(LocalServer):
    """The Cloud API for one business phone number. Use as ``async with FakeGraphApi() as api:``
    and point the bot's WHATSAPP_API_BASE_URL at ``api.base_url``."""

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        token: str = DEFAULT_TOKEN,
        *,
        display_phone_number: str = DISPLAY_PHONE_NUMBER,
        host: str = "127.0.0.1",
    ) -> None:
        self.version = version
        self.phone_number_id = phone_number_id
        self.token = token
        self.display_phone_number = display_phone_number
        super().__init__(host)
        self._closing = asyncio.Event()
        self._serial = itertools.count(1)
        self.calls: list[ApiCall] = []
        self._sent: list[SentMessage] = []
        self._read: list[str] = []
        self._templates: dict[tuple[str, str], int] = {}
        self._media: dict[str, Media] = {}
        # None: drop the connection; PASS: answer that send as usual
        self._faults: deque[GraphError | _Pass | None] = deque()
        self._delays: deque[float] = deque()

    # -- lifecycle ---------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(client_max_size=4 * MAX_IMAGE_BYTES)  # room for a too-big upload
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def start(self) -> None:
        await super().start()
        self._closing.clear()

    async def close(self) -> None:
        self._closing.set()
        await super().close()

    @property
    def base_url(self) -> str:
        """Stands in for https://graph.facebook.com/<version>."""
        return f"{self.url}/{self.version}"

    # -- test controls -----------------------------------------------------------------------

    def add_template(self, name: str, language_code: str, body_params: int = 0) -> None:
        """An approved template the fake accepts, with `body_params` body variables."""
        self._templates[(name, language_code)] = body_params

    def add_media(self, media_id: str, data: bytes, mime_type: str = "image/jpeg") -> None:
        """A file a user sent (its id is in the webhook); GET {base}/{media_id} describes it."""
        self._media[media_id] = Media(media_id, data, mime_type)

    def media(self, media_id: str) -> Media:
        """A media file by id, uploaded or added; KeyError if the fake has none."""
        return self._media[media_id]

    def uploaded_media(self) -> list[Media]:
        """Files the bot uploaded, oldest first."""
        return [m for m in self._media.values() if m.uploaded]

    def sent_messages(self, to: str | None = None) -> list[SentMessage]:
        """Accepted sends (mark-as-read excluded), oldest first, optionally to one number."""
        if to is None:
            return list(self._sent)
        return [m for m in self._sent if m.to == to.lstrip("+")]

    def sent_images(self, to: str | None = None) -> list[SentImage]:
        """Accepted image messages, oldest first, optionally to one number."""
        return [
            SentImage(
                to=m.to,
                media_id=m.payload["image"].get("id"),
                link=m.payload["image"].get("link"),
                caption=m.text,
                media=self._media.get(m.payload["image"].get("id", "")),
                wamid=m.wamid,
                at=m.at,
            )
            for m in self.sent_messages(to)
            if m.type == "image"
        ]

    def read_receipts(self) -> list[str]:
        """Message ids the bot marked read, in order."""
        return list(self._read)

    def fail_next(
        self,
        code: int,
        *,
        http_status: int | None = None,
        times: int = 1,
        message: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next `times` message sends (not mark-as-read), after letting `after`
        through, with Graph error `code`.

        The HTTP status defaults to Meta's for that code (GRAPH_ERRORS; 400 when unknown).
        With a status of 500 or more the answer is a plain transient Graph error (no error_data).
        """
        transient = http_status is not None and http_status >= 500
        message = message or (TRANSIENT_MESSAGE if transient else None)
        error = GraphError(code, message=message, status=http_status, whatsapp=not transient)
        self._faults.extend([PASS] * after + [error] * times)

    def slow_next(self, seconds: float, times: int = 1) -> None:
        """Hold the next `times` message sends for `seconds`; they are still carried out after
        (a timed-out send may have been delivered, as on the real API)."""
        self._delays.extend([seconds] * times)

    def reset_connection_next(self, times: int = 1) -> None:
        """Drop the connection of the next `times` message sends without answering (not sent)."""
        self._faults.extend([None] * times)

    def reset(self) -> None:
        """Forget calls, sends, read receipts and pending faults (templates, added and uploaded
        media stay)."""
        self.calls.clear()
        self._sent.clear()
        self._read.clear()
        self._faults.clear()
        self._delays.clear()

    async def wait_for_messages(
        self, count: int = 1, *, to: str | None = None, within: float = 5.0
    ) -> list[SentMessage]:
        """Wait until `count` messages were accepted (to `to`); TimeoutError after `within`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(sent := self.sent_messages(to)) < count:
            if loop.time() >= deadline:
                texts = [m.text for m in sent]
                raise TimeoutError(f"{len(sent)} of {count} messages after {within}s: {texts}")
            await asyncio.sleep(0.01)
        return sent

    # -- HTTP --------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        # A multipart body is left unread here: the upload reads it as a form.
        if request.can_read_body and request.content_type != "multipart/form-data":
            with contextlib.suppress(ValueError):
                body = await request.json()
        call = ApiCall(request.method, request.path, body, dict(request.headers), time.monotonic())
        self.calls.append(call)
        try:
            response = await self._route(request, body)
        except GraphError as error:
            response = web.json_response(error.body(), status=error.status)
            response.headers["WWW-Authenticate"] = (
                f'OAuth "Facebook Platform" "invalid_request" "{error.message}"'
            )
        except _Drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)  # never reaches the client: status stays None
        call.status = response.status
        return response

    async def _route(self, request: web.Request, body: Any) -> web.StreamResponse:
        parts = request.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "whatsapp_media" and request.method == "GET":
            self._authorize(request)
            return self._download(parts[1])
        if parts[0] != self.version or len(parts) not in (2, 3):
            raise GraphError(
                2500, message=f"Unknown path components: {request.path}", whatsapp=False
            )
        self._authorize(request)
        node = parts[1]
        if len(parts) == 2 and request.method == "GET":
            return self._describe(node)
        if node != self.phone_number_id or request.method != "POST":
            raise unsupported(request.method.lower(), node)
        if parts[2:] == ["media"]:
            return await self._upload(request)
        if parts[2:] != ["messages"]:
            raise unsupported(request.method.lower(), node)
        return await self._messages(body if isinstance(body, dict) else {})

    def _authorize(self, request: web.Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), self.token):
            raise GraphError(190, whatsapp=False)

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        check_product(form.get("messaging_product"))
        file = form.get("file")
        if not isinstance(file, web.FileField):
            raise required("file")
        mime_type = file.content_type.split(";")[0].strip().lower()
        if mime_type not in IMAGE_TYPES:
            raise GraphError(
                100,
                message="(#100) Param file must be a file with one of the following types: "
                f"{', '.join(IMAGE_TYPES)}. Received file of type '{mime_type}'.",
            )
        declared = form.get("type")
        if not isinstance(declared, str) or not declared:
            raise required("type")
        if declared.strip().lower() != mime_type:
            raise GraphError(
                131053, f"Param type ({declared}) does not match the file's type ({mime_type})."
            )
        data = file.file.read()
        if not data:
            raise required("file")
        if len(data) > MAX_IMAGE_BYTES:
            raise GraphError(
                131053,
                "Media file size too big. Max file size we currently support:"
                f" {MAX_IMAGE_BYTES // (1024 * 1024)}MB.",
            )
        media_id = str(10**15 + secrets.randbelow(9 * 10**15))
        self._media[media_id] = Media(media_id, data, mime_type, file.filename, uploaded=True)
        return web.json_response({"id": media_id})

    async def _messages(self, message: dict[str, Any]) -> web.Response:
        check_product(message.get("messaging_product"))
        if message.get("status") is not None or "message_id" in message:
            return self._mark_read(message)
        if self._delays:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self._delays.popleft())
        fault = self._faults.popleft() if self._faults else PASS
        if fault is None:
            raise _Drop
        if isinstance(fault, GraphError):
            raise fault
        to = message.get("to")
        if to is None or to == "":
            raise required("to")
        if not PHONE_NUMBER.fullmatch(str(to)):
            raise invalid(f"Param to is not a valid phone number: {to!r}")
        kind = message.get("type", "text")
        if kind == "text":
            check_text(message)
        elif kind == "interactive":
            check_interactive(message)
        elif kind == "template":
            self._check_template(message)
        elif kind == "image":
            self._check_image(message)
        else:
            raise invalid(f"Param type {kind!r} is not supported by the fake")
        wa_id = str(to).lstrip("+")
        wamid = make_wamid(wa_id, serial=f"{next(self._serial):06X}{secrets.token_hex(6).upper()}")
        self._sent.append(SentMessage(wa_id, kind, message, wamid, time.monotonic()))
        sent: dict[str, Any] = {"id": wamid}
        if kind == "template":
            sent["message_status"] = "accepted"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": str(to), "wa_id": wa_id}],
                "messages": [sent],
            }
        )

    def _mark_read(self, message: dict[str, Any]) -> web.Response:
        if message.get("status") != "read":
            raise invalid(f"Param status must be one of {{READ}} - got {message.get('status')!r}.")
        message_id = message.get("message_id")
        if not isinstance(message_id, str) or not message_id.startswith("wamid."):
            raise invalid("Param message_id is not a valid WhatsApp message id.")
        self._read.append(message_id)
        return web.json_response({"success": True})

    def _check_image(self, message: dict[str, Any]) -> None:
        image = message.get("image")
        if not isinstance(image, dict):
            raise required("image")
        media_id, link = image.get("id"), image.get("link")
        if (media_id is None) == (link is None):
            raise invalid("Param image must have either an id or a link, not both.")
        if media_id is not None:
            media = self._media.get(str(media_id))
            if not isinstance(media_id, str) or media is None or not media.uploaded:
                raise invalid(
                    "Param image['id'] is not a valid whatsapp business account media attachment ID"
                )
        elif not isinstance(link, str) or not re.match(r"https?://[^/\s]+", link):
            raise invalid("Param image['link'] must be a valid URL.")
        text_field(image, "caption", "image['caption']", 0, MAX_CAPTION, "Caption")

    def _check_template(self, message: dict[str, Any]) -> None:
        template = message.get("template")
        if not isinstance(template, dict) or not template.get("name"):
            raise required("template['name']")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not code:
            raise required("template['language']['code']")
        parameters = body_parameters(template)
        expected = self._templates.get((str(template["name"]), str(code)))
        if expected is None:
            raise GraphError(132001, f"template name ({template['name']}) does not exist in {code}")
        if len(parameters) != expected:
            raise GraphError(
                132000,
                f"body: number of localizable_params ({len(parameters)}) does not match the"
                f" expected number of params ({expected})",
            )

    def _describe(self, node: str) -> web.Response:
        if node == self.phone_number_id:
            return web.json_response(
                {
                    "verified_name": "Polres Test",
                    "display_phone_number": self.display_phone_number,
                    "quality_rating": "GREEN",
                    "id": node,
                }
            )
        if node not in self._media:
            raise unsupported("get", node)
        media = self._media[node]
        query = f"mid={node}&ext={int(time.time())}&hash={secrets.token_urlsafe(18)}"
        return web.json_response(
            {
                "url": f"{self.url}/whatsapp_media/{node}?{query}",
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": len(media.data),
                "id": node,
                "messaging_product": "whatsapp",
            }
        )

    def _download(self, media_id: str) -> web.Response:
        if media_id not in self._media:
            return web.Response(status=404, text="Not Found")
        media = self._media[media_id]
        return web.Response(body=media.data, headers={"Content-Type": media.mime_type})
