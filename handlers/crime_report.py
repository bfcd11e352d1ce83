"""The crime-report dialog: what, where, when, photos, anonymity, confirmation → ticket."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.core.handling import Context
from bot.core.place import PlaceSaid, place_said
from bot.core.report_wish import names_only_the_kind
from bot.core.router import asks_to_wait
from bot.core.types import (
    Button,
    Category,
    DialogState,
    Location,
    Media,
    NewTicket,
    Outcome,
    Reply,
)
from bot.core.when import TimeSaid, only_time, time_said
from bot.core.words import words
from handlers.common import (
    SEND_WORDS,
    YES_WORDS,
    add_to_ticket,
    command_argument,
    menu_buttons,
    summarize,
    ticket_to_add_to,
    yes_no,
)

DIALOG = "crime_report"
DETAIL_WORDS = 3  # a text this long at a choice is more about what happened
SKIP = "/lewati"  # no photo; at "where exactly", the place named is enough
CHANGE = "/ubah"  # at the summary: change a part ("/ubah where"), or choose which
# The parts of a report a citizen may change at the summary, and the words that name each.
PART_WORDS: Mapping[str, str] = {
    **dict.fromkeys(("what", "kejadian", "cerita", "kronologi"), "what"),
    **dict.fromkeys(
        ("where", "lokasi", "tempat", "alamat", "jalan", "jl", "place", "location", "address"),
        "where",
    ),
    **dict.fromkeys(("when", "waktu", "jam", "tanggal", "hari", "time", "date"), "when"),
    **dict.fromkeys(("anonymous", "identitas", "anonim", "identity"), "anonymous"),
}
# Words that say something in the summary is wrong ("tempatnya salah", "ralat jamnya").
CHANGE_WORDS = frozenset("salah ralat ubah ganti koreksi keliru wrong change edit mistake".split())
# After one of these, a typed change gives the right answer ("…, yang bener di jalan pahlawan").
RIGHT_ANSWER = re.compile(
    r"\b(?:yang|yg) (?:bener|benar|betul)\b|\b(?:se)?harusnya\b|\bsebenarnya\b|\bshould be\b",
    re.IGNORECASE,
)
# Apps a crime done online names, as the bot says them back: the report asks for the culprit's
# account or number there ("di grup wa" → "Lewat WhatsApp: …").
APPS: Mapping[str, str] = {
    **dict.fromkeys(("whatsapp", "wa", "whatsap", "wasap", "watsap"), "WhatsApp"),
    **dict.fromkeys(("facebook", "fb"), "Facebook"),
    **dict.fromkeys(("instagram", "ig"), "Instagram"),
    **dict.fromkeys(("tokopedia", "tokped"), "Tokopedia"),
    **{"telegram": "Telegram", "tiktok": "TikTok", "shopee": "Shopee", "lazada": "Lazada"},
    **{"michat": "MiChat", "twitter": "Twitter/X", "sms": "SMS", "email": "email"},
}
# Words of a crime done online or by phone: it asks "through what" (the app, the culprit's
# account, number or bank account) instead of an address.
ONLINE_WORDS = frozenset(APPS) | frozenset(
    "online onlen olshop daring internet medsos sosmed marketplace website situs web link "
    "aplikasi apk transfer tf rekening akun saldo otp mbanking pinjol ditelpon ditelepon nelpon "
    "phoned texted diretas dihack hacked app account sebar nyebar menyebar menyebarkan disebar "
    "disebarin disebarkan disebarluaskan nyebarin diposting diupload diviralkan".split()
)
# A text made only of these says there is nothing more ("udah itu aja pak", "that's all"): no
# detail to add to what happened.
NOTHING_MORE = frozenset(
    "udah sudah udh sdh itu aja saja aj doang cukup segitu dulu pak bu bang mas mbak kak min sih "
    "deh ya kok that s thats all nothing else more enough".split()
)


def handle(context: Context) -> Outcome:
    data: dict[str, Any] = dict(context.state.data) if context.state else {}
    _collect_attachments(context, data)
    if context.state is None:
        return _start(context, data)
    step = context.state.step
    text = context.text
    if step in _PROMPTS and asks_to_wait(text):  # "sebentar pak, saya cek dulu": no answer yet
        return _reply(context, step, data, context.t("report.wait"))
    changing = bool(data.get("changing"))  # a part chosen at the summary: then the summary again
    if step == "what":
        if not text:
            return _ask(context, "what", data, "report.need_text")
        data["what"] = text
        return _changed(context, data) if changing else _ask(context, "where", data)
    if step == "where":
        given = "" if context.command == SKIP else text
        if changing and (given or "latitude" in data):
            data["where"] = given
            return _changed(context, data)
        if only_time(given):  # "sekitar jam 2 pagi": when, not where
            _set_when(data, given)
            given = ""
        where = _where(given, data)
        if where:
            data["where"] = where
        elif "latitude" not in data:
            return _ask(context, "where", data, None if "when" in data else "report.need_text")
        return _ask_when(context, data)
    if step == "when":
        if not text:
            return _ask(context, "when", data, "report.need_text")
        if changing:
            data["when"] = text
            return _changed(context, data)
        _set_when(data, text)
        return _ask(context, _after_when(context), data)
    if step == "change":
        named = _parts_named(command_argument(context) or text)
        if len(named) != 1:
            return _ask(context, "change", data, "report.need_part")
        return _change(context, named.pop(), data)
    if step == "confirm" and (part := _part_to_change(context)) is not None:
        if part in ("where", "when") and (right := _right_answer(text)):
            data[part] = right  # "eh tempatnya salah, yang bener di jalan pahlawan"
            return _changed(context, data)
        return _change(context, part, data) if part else _ask(context, "change", data)
    if step == "photo":
        if _photos(context) and not text:
            return _reply(context, "photo", data, context.t("report.photo_received"))
        notice = "report.added" if _more_details(context, data) else None
        return _ask(context, "anonymous", data, notice)
    answer = yes_no(text, SEND_WORDS if step == "confirm" else YES_WORDS)
    if answer is None:
        notice = "report.added" if _more_details(context, data) else "report.need_choice"
        return _ask(context, step, data, notice)
    if step == "anonymous":
        data["anonymous"] = answer
        return _changed(context, data) if changing else _ask(context, "confirm", data)
    if not answer:
        return Outcome(replies=(Reply(context.t("cancel.done"), menu_buttons(context)),))
    return _submit(context, data)


def _start(context: Context, data: dict[str, Any]) -> Outcome:
    """From /lapor, or a wish to report naming only a kind of crime: ask what happened. From
    the NLU: the message already says what happened, or adds to a report just made."""
    ticket = ticket_to_add_to(context, (Category.CRIME_REPORT,))
    if ticket is not None:
        return add_to_ticket(context, ticket)
    classification = context.classification
    if classification is not None:
        data.update(intent=classification.intent, confidence=classification.confidence)
    if context.command is not None or not context.text or names_only_the_kind(context.text):
        # A location or photo alone (handlers/fallback.py) starts a report with it; "saya mau
        # lapor pencurian" tells not yet what happened.
        notice = "report.attachment_received" if "latitude" in data or "photos" in data else None
        return _ask(context, "what", data, notice)
    data["what"] = context.text
    urgent = classification is not None and classification.urgent
    # Read as an emergency, but of an earlier day (Pipeline._report_instead): 110/112 first.
    return _ask(context, "where", data, "emergency.if_danger" if urgent else None)


def _parts_named(text: str) -> set[str]:
    """The parts of the report a text names ("lokasi", "jamnya")."""
    return {part for word in words(text) if (part := PART_WORDS.get(word.removesuffix("nya")))}


def _part_to_change(context: Context) -> str | None:
    """At the summary: the part to change (from the button, or typed with a word of change:
    "eh tempatnya salah"), "" to ask which ("ada yang salah", "lokasi dan jamnya salah"), None
    when the citizen asks no change ("kirim", a detail to add)."""
    if context.command == CHANGE:
        named = _parts_named(command_argument(context))
        return named.pop() if len(named) == 1 else ""
    said = {word.removesuffix("nya") for word in words(context.text)}
    if context.command is not None or said.isdisjoint(CHANGE_WORDS):
        return None
    named = _parts_named(context.text)
    if len(named) == 1:
        return named.pop()
    return "" if named or len(context.text.split()) <= DETAIL_WORDS else None


def _right_answer(text: str) -> str:
    """What a typed change says is right, after "yang bener", "harusnya"…; "" if it says none."""
    found = list(RIGHT_ANSWER.finditer(text))
    return text[found[-1].end() :].strip(" ,.:;-") if found else ""


def _change(context: Context, part: str, data: dict[str, Any]) -> Outcome:
    """Ask for one part of the report again; the answer brings the summary back."""
    data["changing"] = True
    if part == "where":  # a new place: the location shared before may be wrong too
        for key in ("where", "latitude", "longitude"):
            data.pop(key, None)
    return _ask(context, part, data)


def _changed(context: Context, data: dict[str, Any]) -> Outcome:
    data.pop("changing", None)
    return _ask(context, "confirm", data, "report.changed")


def _place_said(data: Mapping[str, Any]) -> PlaceSaid | None:
    """The place what happened names ("di jalan sudirman"): "where" asks where exactly."""
    return place_said(data.get("what", ""))


def _apps_said(data: Mapping[str, Any]) -> str:
    """The apps what happened names, in its order ("ketemu di fb, lalu chat lewat wa" →
    "Facebook, WhatsApp"); "" for none."""
    names = (APPS[word] for word in words(data.get("what", "")) if word in APPS)
    return ", ".join(dict.fromkeys(names))


def _where(text: str, data: Mapping[str, Any]) -> str:
    """The answer to "where", with the place or the apps that what happened named unless it
    repeats them; no answer ("Sudah cukup", or a time alone) keeps those alone."""
    place, apps = _place_said(data), _apps_said(data)
    if place is not None:
        said, repeated = place.phrase, place.name in text.lower()
    elif apps:
        said, repeated = apps, not APPS.keys().isdisjoint(words(text))
    else:
        return text
    if repeated:
        return text
    return f"{said}, {text}" if text else said


def _time_said(data: Mapping[str, Any]) -> TimeSaid | None:
    """When what happened and where say it happened."""
    return time_said(f"{data.get('what', '')}\n{data.get('where', '')}")


def _day_said(data: Mapping[str, Any]) -> str | None:
    """The day alone said so far ("kemarin sore"): "when" asks only the hour."""
    said = _time_said(data)
    return said.phrase if said is not None and not said.exact else None


def _set_when(data: dict[str, Any], text: str) -> None:
    """The answer to "when", after the day said so far unless it repeats it."""
    day = _day_said(data)
    data["when"] = f"{day}, {text}" if day and day not in text.lower() else text


def _ask_when(context: Context, data: dict[str, Any]) -> Outcome:
    """What happened and where may already say when: to the hour ("tadi malam jam 11") needs
    no question, a day alone ("kemarin sore") only asks the hour; a time given for "where"
    is the answer."""
    if "when" in data:
        return _ask(context, _after_when(context), data)
    said = _time_said(data)
    if said is not None and said.exact:
        data["when"] = said.phrase
        return _ask(context, _after_when(context), data)
    return _ask(context, "when", data)


def _after_when(context: Context) -> str:
    return "photo" if context.accepts_media else "anonymous"


def _more_details(context: Context, data: dict[str, Any]) -> bool:
    """A sentence where the dialog expects a photo, a choice or a button ("motornya Honda Beat
    plat AB 1234 XY") adds to what happened rather than being lost; a yes/no, a command or a
    word or two ("terserah"), or nothing more ("udah itu aja"), does not."""
    text = context.text
    if len(text.split()) < DETAIL_WORDS or context.command is not None or yes_no(text) is not None:
        return False
    if set(words(text)) <= NOTHING_MORE:
        return False
    data["what"] = f"{data['what']}\n{text}" if data.get("what") else text
    return True


def _collect_attachments(context: Context, data: dict[str, Any]) -> None:
    location = context.message.location
    if location is not None:
        data.update(latitude=location.latitude, longitude=location.longitude)
    if _photos(context):
        photos = list(data.get("photos", []))
        photos.extend({"kind": m.kind, "ref": m.ref} for m in _photos(context))
        data["photos"] = photos


def _photos(context: Context) -> tuple[Media, ...]:
    return tuple(media for media in context.message.media if media.is_photo)


# The bot's words for the citizen's own: "saya" is "Anda" to the bot, a Javanese "neng" "di".
_SAID_BACK: Mapping[str, str] = {
    **dict.fromkeys(("saya", "sy", "aku", "gue", "gw", "gua", "kami"), "Anda"),
    **dict.fromkeys(("my", "our"), "your"),
    **dict.fromkeys(("neng", "nang", "ning"), "di"),
}
_PROMPTS: Mapping[str, str] = {
    "what": "report.ask_what",
    "where": "report.ask_where",
    "when": "report.ask_when",
    "photo": "report.ask_photo",
    "anonymous": "report.ask_anonymous",
    "change": "report.ask_change",
}


def _ask(context: Context, step: str, data: dict[str, Any], notice: str | None = None) -> Outcome:
    """Ask for a step, after a notice (e.g. "please type it in words") when there is one."""
    if step == "confirm":
        prompt = context.t("report.confirm", **_summary_fields(context, data))
    elif data.get("changing") or step == "change":
        # asked plainly: what was said before may be wrong
        online = step == "where" and _done_online(data)
        prompt = context.t("report.ask_where_online" if online else _PROMPTS[step])
    elif step == "when" and (day := _day_said(data)):
        prompt = context.t("report.ask_hour", day=day)
    elif step == "where" and (place := _place_said(data)):
        prompt = context.t("report.ask_where_exactly", place=_said_back(place.phrase))
    elif step == "where" and (apps := _apps_said(data)):
        prompt = context.t("report.ask_where_online_named", apps=apps)
    elif step == "where" and _done_online(data):
        prompt = context.t("report.ask_where_online")
    elif step == "where" and "latitude" in data:
        prompt = context.t("report.ask_where_shared")
    else:
        prompt = context.t(_PROMPTS[step])
    return _reply(context, step, data, f"{context.t(notice)}\n{prompt}" if notice else prompt)


def _done_online(data: Mapping[str, Any]) -> bool:
    """Whether what happened was done online or by phone (ONLINE_WORDS)."""
    return not ONLINE_WORDS.isdisjoint(words(data.get("what", "")))


def _said_back(phrase: str) -> str:
    """A phrase of the citizen's as the bot says it back: "di rumah sy" → "di rumah Anda"."""
    return " ".join(_SAID_BACK.get(word, word) for word in phrase.split())


def _reply(context: Context, step: str, data: dict[str, Any], text: str) -> Outcome:
    return Outcome(
        replies=(Reply(text, _step_buttons(context, step, data)),),
        state=DialogState(DIALOG, step, data),
    )


def _step_buttons(context: Context, step: str, data: Mapping[str, Any]) -> tuple[Button, ...]:
    if step == "photo":
        return (Button(context.t("button.skip"), SKIP),)
    if step == "confirm":
        return (
            Button(context.t("button.send"), "/kirim"),
            Button(context.t("button.change"), CHANGE),
            Button(context.t("button.cancel"), "/batal"),
        )
    if step == "change":
        return tuple(
            Button(context.t(f"button.part_{part}"), f"{CHANGE} {part}")
            for part in ("what", "where", "when", "anonymous")
        )
    if step == "anonymous":
        return (
            Button(context.t("button.accept"), "/ya"),
            Button(context.t("button.decline"), "/tidak"),
        )
    if (
        step == "where"
        and not data.get("changing")
        and (_place_said(data) is not None or _apps_said(data) or "latitude" in data)
    ):
        return (Button(context.t("button.enough"), SKIP),)
    return ()


def _place(context: Context, data: Mapping[str, Any]) -> str:
    parts = [str(data["where"])] if data.get("where") else []
    if "latitude" in data:
        parts.append(
            context.t(
                "report.shared_location", latitude=data["latitude"], longitude=data["longitude"]
            )
        )
    return "; ".join(parts) or "-"


def _photo_line(context: Context, data: Mapping[str, Any]) -> str:
    """The summary's photo line, on channels that can send photos."""
    if not context.accepts_media:
        return ""
    return context.t("report.photos", count=len(data.get("photos", [])))


def _summary_fields(context: Context, data: Mapping[str, Any]) -> dict[str, object]:
    identity = "report.identity_anonymous" if data.get("anonymous") else "report.identity_named"
    return {
        "what": data.get("what", "-"),
        "where": _place(context, data),
        "when": data.get("when", "-"),
        "photos": _photo_line(context, data),
        "identity": context.t(identity),
    }


def _submit(context: Context, data: Mapping[str, Any]) -> Outcome:
    location = (
        Location(float(data["latitude"]), float(data["longitude"])) if "latitude" in data else None
    )
    ticket = NewTicket(
        category=Category.CRIME_REPORT,
        urgent=False,
        summary=summarize(str(data.get("what", ""))),
        intent=data.get("intent"),
        confidence=data.get("confidence"),
        details={k: str(data[k]) for k in ("what", "where", "when") if data.get(k)},
        location=location,
        media=tuple(Media(p["kind"], p["ref"]) for p in data.get("photos", [])),
        anonymous=bool(data.get("anonymous")),
    )
    reply = Reply(context.t("report.created", code=context.ticket_code), menu_buttons(context))
    return Outcome(replies=(reply,), ticket=ticket)
