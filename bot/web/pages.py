"""What every dashboard page shares: the Jinja2 environment, rendering, redirects, admin checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.core.types import Role
from bot.core.wib import format_wib
from bot.storage.users import Session
from bot.web.auth import current_session

TEMPLATES = Path(__file__).parent / "templates"

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)
_templates.filters["wib"] = format_wib
# How the conversation names attachments and delivery states (the dashboard is in Indonesian).
_templates.globals["media_names"] = {
    "photo": "foto",
    "voice": "pesan suara",
    "audio": "audio",
    "video": "video",
    "video_note": "video",
    "animation": "animasi",
    "sticker": "stiker",
    "document": "dokumen",
}
# Tickets' statuses, categories and channels and users' roles as officers read them (forms
# and APIs keep the stored values).
STATUS_NAMES = {
    "new": "Baru",
    "claimed": "Ditangani",
    "answered": "Dijawab",
    "resolved": "Selesai",
    "closed": "Ditutup",
}
CATEGORY_NAMES = {
    "question": "Pertanyaan",
    "crime_report": "Laporan kejadian",
    "feedback": "Saran/pengaduan",
    "other": "Lainnya",
}
_CHANNEL_NAMES = {
    "webchat": "Web chat",
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "console": "Terminal",
}
ROLE_NAMES = {"officer": "petugas", "admin": "admin"}
# The parts of an FAQ answer (data/aspects.yml), as officers pick them for a reply.
ASPECT_NAMES = {
    "cost": "biaya",
    "requirements": "syarat",
    "where": "tempat",
    "hours": "jam layanan",
    "online": "online",
    "validity": "masa berlaku",
    "duration": "lama waktu",
    "proxy": "diwakilkan",
    "village_letters": "surat dari kelurahan",
    "accident_letter": "surat keterangan kecelakaan",
}


def channel_name(channel: str) -> str:
    """A channel as officers read it; an unknown one as stored."""
    return _CHANNEL_NAMES.get(channel, channel)


_templates.filters["channel_name"] = channel_name
_templates.globals["status_names"] = STATUS_NAMES
_templates.globals["category_names"] = CATEGORY_NAMES
_templates.globals["role_names"] = ROLE_NAMES
_templates.globals["broadcast_names"] = {
    "scheduled": "terjadwal",
    "sending": "sedang dikirim",
    "done": "selesai",
    "cancelled": "dibatalkan",
}
_templates.globals["delivery_names"] = {
    "pending": "menunggu",
    "sent": "terkirim",
    "delivered": "diterima",
    "read": "dibaca",
    "failed": "gagal",
}


def render(template: str, status: int = 200, **context: Any) -> web.Response:
    html = _templates.get_template(template).render(**context)
    return web.Response(text=html, content_type="text/html", status=status)


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def admin_session(request: web.Request) -> Session:
    session = current_session(request)
    if session.user.role is not Role.ADMIN:
        raise web.HTTPForbidden(text="admins only")
    return session
