"""'Where do I evacuate?': the nearest evacuation points to a shared location (distance and a
map link), or those of a named kecamatan, with the disaster message where disaster mode is on
and the emergency numbers."""

from __future__ import annotations

from bot.core.content import in_language
from bot.core.evacuation import EvacuationPoint, in_kecamatan, map_link, nearest
from bot.core.handling import Context
from bot.core.types import DialogState, Outcome, Reply

DIALOG = "evacuation"
NEAREST = 3


def handle(context: Context) -> Outcome:
    points = context.content.evacuation_points
    location = context.message.location
    if location is not None:
        lines = [
            _line(context, point, f"{km:.1f} km")
            for point, km in nearest(points, location, NEAREST)
        ]
        return _answer(context, context.t("evacuation.nearest"), lines)
    named = in_kecamatan(points, context.text)
    if named:
        lines = [_line(context, point, point.kecamatan) for point in named]
        return _answer(context, context.t("evacuation.in_kecamatan"), lines)
    if context.state is not None and context.state.dialog == DIALOG and context.command is None:
        return Outcome(reroute=True)  # neither a location nor a kecamatan: something else
    ask = context.t("evacuation.ask_location", kecamatan=_kecamatan_list(points))
    return Outcome(
        replies=(Reply(_with_alerts(context, ask)),), state=DialogState(DIALOG, "location", {})
    )


def _answer(context: Context, header: str, lines: list[str]) -> Outcome:
    text = "\n".join([header, *lines, "", context.t("evacuation.contacts")])
    return Outcome(replies=(Reply(_with_alerts(context, text)),))


def _line(context: Context, point: EvacuationPoint, where: str) -> str:
    capacity = context.t("evacuation.capacity", n=point.capacity) if point.capacity else ""
    return context.t(
        "evacuation.point",
        name=point.name,
        kind=point.kind,
        where=where,
        capacity=capacity,
        link=map_link(point.location),
    )


def _with_alerts(context: Context, text: str) -> str:
    """The office's disaster messages first, where disaster mode is on."""
    alerts = []
    for alert in context.disasters:
        message = in_language(alert.texts, context.language)
        area = context.t("evacuation.alert_area", area=alert.area.title()) if alert.area else ""
        alerts.append(context.t("evacuation.alert", area=area, message=message))
    return "\n\n".join([*alerts, text])


def _kecamatan_list(points: tuple[EvacuationPoint, ...]) -> str:
    return ", ".join(sorted({point.kecamatan for point in points}))
