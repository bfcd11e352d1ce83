from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState, Location, Media, Outcome
from handlers import crime_report

MakeContext = Callable[..., Context]


def step(outcome: Outcome) -> tuple[str, str, dict[str, Any]]:
    assert outcome.state is not None
    return outcome.state.dialog, outcome.state.step, dict(outcome.state.data)


def text_of(outcome: Outcome) -> str:
    [reply] = outcome.replies
    return reply.text


def test_the_lapor_command_asks_what_happened(make_context: MakeContext, content: Content) -> None:
    outcome = crime_report.handle(make_context("/lapor", command="/lapor"))

    assert text_of(outcome) == content.texts.get("id", "report.ask_what")
    assert step(outcome) == ("crime_report", "what", {})
    assert outcome.ticket is None


def test_a_classified_report_already_says_what_happened(
    make_context: MakeContext, content: Content
) -> None:
    outcome = crime_report.handle(
        make_context("rumah saya kemalingan semalam", intent="crime_report", confidence=0.8)
    )

    assert text_of(outcome) == content.texts.get("id", "report.ask_where")
    assert step(outcome) == (
        "crime_report",
        "where",
        {"what": "rumah saya kemalingan semalam", "intent": "crime_report", "confidence": 0.8},
    )


@pytest.mark.parametrize(
    "what",
    [
        "saya ditipu jual beli online, uang sudah transfer 2 juta",
        "akun saya diretas, orang minta pulsa ke teman2",
        "I was scammed on an app",
        "akun bank saya dibobol orang, saldo 10 juta hilang semua",
        "ada video porno saya disebar mantan",
        "mantan ngancam mau nyebar foto bugil saya kalau ga balikan",
    ],
)
def test_a_crime_done_online_asks_through_what_instead_of_where(
    make_context: MakeContext, content: Content, what: str
) -> None:
    outcome = crime_report.handle(make_context(what, intent="crime_report", confidence=0.9))

    assert text_of(outcome) == content.texts.get("id", "report.ask_where_online")
    assert step(outcome)[1] == "where"
    answered = crime_report.handle(make_context("shopee, rek BCA 123456", state=outcome.state))
    assert step(answered)[2]["where"] == "shopee, rek BCA 123456"


@pytest.mark.parametrize(
    ("what", "apps"),
    [
        ("ada yg nyebarin foto pribadi saya di grup wa", "WhatsApp"),
        ("akun FB saya diretas, orang minta pulsa ke teman2", "Facebook"),
        ("kenalan di ig terus chat lewat WA, lalu diperas", "Instagram, WhatsApp"),
        ("dapet sms menang undian, udah transfer 1 juta", "SMS"),
    ],
)
def test_a_crime_done_on_an_app_it_names_asks_only_for_the_culprits_account(
    make_context: MakeContext, content: Content, what: str, apps: str
) -> None:
    outcome = crime_report.handle(make_context(what, intent="crime_report", confidence=0.9))

    assert text_of(outcome) == content.texts.get("id", "report.ask_where_online_named", apps=apps)
    assert [b.payload for b in outcome.replies[0].buttons] == ["/lewati"]
    enough = crime_report.handle(make_context("/lewati", command="/lewati", state=outcome.state))
    assert step(enough)[2]["where"] == apps
    account = crime_report.handle(make_context("nomornya 0812 3456 7890", state=outcome.state))
    assert step(account)[2]["where"] == f"{apps}, nomornya 0812 3456 7890"


def test_an_account_that_names_the_app_again_is_kept_as_written(
    make_context: MakeContext,
) -> None:
    what = "ada yg nyebarin foto pribadi saya di grup wa"
    outcome = crime_report.handle(make_context(what, intent="crime_report", confidence=0.9))

    answered = crime_report.handle(make_context("grup wa alumni, admin 0812", state=outcome.state))

    assert step(answered)[2]["where"] == "grup wa alumni, admin 0812"


def test_what_step_needs_words(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "what", {})

    outcome = crime_report.handle(make_context("", state=state, media=(Media("photo", "f1"),)))

    texts = content.texts
    assert text_of(outcome) == (
        f"{texts.get('id', 'report.need_text')}\n{texts.get('id', 'report.ask_what')}"
    )
    assert step(outcome)[1] == "what"
    assert step(outcome)[2]["photos"] == [{"kind": "photo", "ref": "f1"}]


@pytest.mark.parametrize("at", ["what", "where", "when"])
def test_asked_to_wait_the_step_stays(make_context: MakeContext, content: Content, at: str) -> None:
    data = {"what": "motor saya dicuri tadi malam"} if at != "what" else {}
    state = DialogState("crime_report", at, data)

    outcome = crime_report.handle(make_context("sebentar pak, saya cek dulu", state=state))

    assert text_of(outcome) == content.texts.get("id", "report.wait")
    assert step(outcome) == ("crime_report", at, data)  # nothing taken as the answer


def test_what_step_moves_to_where(make_context: MakeContext) -> None:
    outcome = crime_report.handle(
        make_context("  dompet dicopet  ", state=DialogState("crime_report", "what", {}))
    )

    assert step(outcome) == ("crime_report", "where", {"what": "dompet dicopet"})


@pytest.mark.parametrize(
    ("what", "language", "place"),
    [
        ("ada yg jualan miras oplosan di kampung sy", "id", "di kampung Anda"),
        ("someone stole the bike from our house", "en", "from your house"),
        ("lur, motorku ilang neng parkiran pasar", "id", "di parkiran pasar"),
    ],
)
def test_a_place_is_said_back_as_the_citizens(
    make_context: MakeContext, content: Content, what: str, language: str, place: str
) -> None:
    context = make_context(what, language=language, intent="crime_report", confidence=0.9)

    asked = crime_report.handle(context)

    assert text_of(asked) == content.texts.get(language, "report.ask_where_exactly", place=place)


def test_a_place_already_named_asks_where_exactly(
    make_context: MakeContext, content: Content
) -> None:
    what = "hp sy dijambret di jalan sudirman td pagi"

    asked = crime_report.handle(make_context(what, intent="crime_report", confidence=0.9))

    assert text_of(asked) == content.texts.get(
        "id", "report.ask_where_exactly", place="di jalan sudirman"
    )
    assert text_of(asked).startswith("Di mana tepatnya kejadian di jalan sudirman?")
    [reply] = asked.replies
    assert [(b.title, b.payload) for b in reply.buttons] == [("Sudah cukup", "/lewati")]
    assert asked.state is not None
    for answer, where in [
        ("depan bank BRI", "di jalan sudirman, depan bank BRI"),
        ("Jalan Sudirman no 12, depan bank BRI", "Jalan Sudirman no 12, depan bank BRI"),
    ]:
        answered = crime_report.handle(make_context(answer, state=asked.state))
        _, name, data = step(answered)
        assert (name, data["where"]) == ("when", where)
        assert "place" not in data


def test_enough_keeps_the_place_named(make_context: MakeContext) -> None:
    data = {"what": "dicopet di pasar baru"}  # names the place: "di pasar baru"
    state = DialogState("crime_report", "where", data)

    outcome = crime_report.handle(make_context("/lewati", state=state, command="/lewati"))

    assert step(outcome)[2] == {"what": "dicopet di pasar baru", "where": "di pasar baru"}


def test_a_shared_location_joins_the_place_named(make_context: MakeContext) -> None:
    data = {"what": "dicopet di pasar baru"}  # names the place: "di pasar baru"
    state = DialogState("crime_report", "where", data)

    outcome = crime_report.handle(make_context("", state=state, location=Location(-6.5, 106.75)))

    assert step(outcome)[2] == {
        "what": "dicopet di pasar baru",
        "where": "di pasar baru",
        "latitude": -6.5,
        "longitude": 106.75,
    }


def test_skip_without_a_place_named_is_not_an_address(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "where", {"what": "dicopet"})

    outcome = crime_report.handle(make_context("/lewati", state=state, command="/lewati"))

    assert text_of(outcome).startswith(content.texts.get("id", "report.need_text"))
    assert step(outcome)[1:] == ("where", {"what": "dicopet"})


def test_where_step_takes_an_address(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "where", {"what": "dicopet"})

    outcome = crime_report.handle(make_context("terminal kota", state=state))

    assert text_of(outcome) == content.texts.get("id", "report.ask_when")
    assert step(outcome) == ("crime_report", "when", {"what": "dicopet", "where": "terminal kota"})


def test_where_step_takes_a_shared_location(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "where", {"what": "dicopet"})

    outcome = crime_report.handle(make_context("", state=state, location=Location(-6.175, 106.827)))

    assert text_of(outcome) == content.texts.get("id", "report.ask_when")
    assert step(outcome) == (
        "crime_report",
        "when",
        {"what": "dicopet", "latitude": -6.175, "longitude": 106.827},
    )


def test_where_step_without_address_or_location_asks_again(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "where", {"what": "dicopet"})

    outcome = crime_report.handle(make_context("", state=state))

    assert text_of(outcome).startswith(content.texts.get("id", "report.need_text"))
    assert step(outcome)[1] == "where"


def test_when_step_moves_to_photo_with_a_skip_button(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "when", {"what": "dicopet", "where": "pasar"})

    outcome = crime_report.handle(make_context("kemarin sore", state=state))

    assert text_of(outcome) == content.texts.get("id", "report.ask_photo")
    assert step(outcome)[1] == "photo"
    assert step(outcome)[2]["when"] == "kemarin sore"
    [reply] = outcome.replies
    assert [(b.title, b.payload) for b in reply.buttons] == [("Lewati", "/lewati")]


def test_a_channel_without_photos_skips_the_photo_step(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "when", {"what": "dicopet", "where": "pasar"})
    context = replace(make_context("kemarin sore", state=state), accepts_media=False)

    outcome = crime_report.handle(context)

    assert text_of(outcome) == content.texts.get("id", "report.ask_anonymous")
    assert step(outcome)[1] == "anonymous"


def test_a_time_already_said_to_the_hour_is_not_asked(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "where", {"what": "motor dicuri tadi malam jam 11"})

    outcome = crime_report.handle(make_context("parkiran pasar", state=state))

    assert text_of(outcome) == content.texts.get("id", "report.ask_photo")
    assert step(outcome)[2]["when"] == "tadi malam jam 11"


def test_a_time_said_with_the_place_is_not_asked(make_context: MakeContext) -> None:
    state = DialogState("crime_report", "where", {"what": "motor dicuri"})
    context = replace(
        make_context("depan indomaret, sekitar pukul 21.30", state=state), accepts_media=False
    )

    outcome = crime_report.handle(context)

    assert step(outcome)[1:] == (
        "anonymous",
        {"what": "motor dicuri", "where": "depan indomaret, sekitar pukul 21.30",
         "when": "sekitar pukul 21.30"},
    )  # fmt: skip


def test_a_time_given_for_where_is_when_and_the_place_said_is_kept(
    make_context: MakeContext,
) -> None:
    state = DialogState(
        "crime_report", "where", {"what": "motor saya dicuri semalam di parkiran kos"}
    )

    outcome = crime_report.handle(make_context("sekitar jam 2 pagi", state=state))

    _, name, data = step(outcome)
    assert name == "photo"
    assert (data["where"], data["when"]) == ("di parkiran kos", "semalam, sekitar jam 2 pagi")


def test_a_time_given_for_where_with_no_place_asks_where_again_and_not_when(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "where", {"what": "hp saya dicuri"})

    again = crime_report.handle(make_context("tadi pagi jam 7an", state=state))

    assert text_of(again) == content.texts.get("id", "report.ask_where")
    _, name, data = step(again)
    assert (name, data["when"]) == ("where", "tadi pagi jam 7an")
    answered = crime_report.handle(make_context("pasar minggu", state=again.state))
    assert step(answered)[1] == "photo"
    assert step(answered)[2]["where"] == "pasar minggu"


def test_a_day_already_said_asks_only_the_hour(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "where", {"what": "rumah kemalingan kemarin sore"})

    asked = crime_report.handle(make_context("jl. mawar 3", state=state))

    assert text_of(asked) == "Sekitar jam berapa kejadiannya, kemarin sore? " + (
        "Jika tidak tahu pasti, tulis perkiraannya."
    )
    _, name, data = step(asked)
    assert name == "when"

    again = crime_report.handle(make_context("", state=DialogState("crime_report", "when", data)))
    assert text_of(again).endswith(content.texts.get("id", "report.ask_hour", day="kemarin sore"))

    answered = crime_report.handle(
        make_context("jam 4an", state=DialogState("crime_report", "when", data))
    )
    _, name, data = step(answered)
    assert (name, data["when"]) == ("photo", "kemarin sore, jam 4an")
    assert "day" not in data


def test_an_hour_answer_that_repeats_the_day_is_kept_as_written(make_context: MakeContext) -> None:
    data = {"what": "dijambret tadi pagi", "where": "pasar"}  # the day: "tadi pagi"

    outcome = crime_report.handle(
        make_context("tadi pagi jam 7an", state=DialogState("crime_report", "when", data))
    )

    assert step(outcome)[2]["when"] == "tadi pagi jam 7an"


def test_when_step_needs_words(make_context: MakeContext) -> None:
    state = DialogState("crime_report", "when", {"what": "dicopet"})

    assert step(crime_report.handle(make_context("", state=state)))[1] == "when"


def test_photo_step_collects_photos_until_skipped(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("crime_report", "photo", {"what": "dicopet"})

    first = crime_report.handle(make_context("", state=state, media=(Media("photo", "f1"),)))

    assert text_of(first) == content.texts.get("id", "report.photo_received")
    _, name, data = step(first)
    assert name == "photo"
    assert data["photos"] == [{"kind": "photo", "ref": "f1"}]

    second = crime_report.handle(
        make_context(
            "",
            state=DialogState("crime_report", "photo", data),
            media=(Media("photo", "f2"), Media("video", "v3")),
        )
    )
    _, name, data = step(second)
    assert name == "photo"
    assert [p["ref"] for p in data["photos"]] == ["f1", "f2"]  # only photos are evidence

    skipped = crime_report.handle(
        make_context("/lewati", state=DialogState("crime_report", "photo", data), command="/lewati")
    )
    assert text_of(skipped) == content.texts.get("id", "report.ask_anonymous")
    _, name, data = step(skipped)
    assert name == "anonymous"
    assert len(data["photos"]) == 2
    [reply] = skipped.replies
    assert [b.payload for b in reply.buttons] == ["/ya", "/tidak"]


def test_a_photo_with_a_caption_moves_on(make_context: MakeContext) -> None:
    state = DialogState("crime_report", "photo", {"what": "dicopet"})

    outcome = crime_report.handle(
        make_context("ini fotonya", state=state, media=(Media("photo", "f1"),))
    )

    _, name, data = step(outcome)
    assert name == "anonymous"
    assert data["photos"] == [{"kind": "photo", "ref": "f1"}]


@pytest.mark.parametrize(("answer", "anonymous"), [("/ya", True), ("iya", True), ("/tidak", False)])
def test_anonymous_step_records_the_answer_and_asks_to_confirm(
    make_context: MakeContext, content: Content, answer: str, anonymous: bool
) -> None:
    data = {
        "what": "dicopet",
        "where": "pasar",
        "when": "kemarin",
        "photos": [{"kind": "photo", "ref": "f"}],
    }
    state = DialogState("crime_report", "anonymous", data)

    outcome = crime_report.handle(make_context(answer, state=state))

    _, name, new_data = step(outcome)
    assert name == "confirm"
    assert new_data["anonymous"] is anonymous
    identity = "report.identity_anonymous" if anonymous else "report.identity_named"
    assert text_of(outcome) == content.texts.get(
        "id",
        "report.confirm",
        what="dicopet",
        where="pasar",
        when="kemarin",
        photos="\n• Foto: 1",
        identity=content.texts.get("id", identity),
    )
    [reply] = outcome.replies
    assert [b.payload for b in reply.buttons] == ["/kirim", "/ubah", "/batal"]


def test_the_summary_has_no_photo_line_where_photos_cannot_be_sent(
    make_context: MakeContext,
) -> None:
    state = DialogState("crime_report", "anonymous", {"what": "dicopet", "when": "kemarin"})
    context = replace(make_context("tidak", state=state), accepts_media=False)

    summary = text_of(crime_report.handle(context))

    assert "• Waktu: kemarin\n• Identitas: dicantumkan" in summary
    assert "Foto" not in summary


@pytest.mark.parametrize(
    "text", ["terserah", "udah itu aja pak", "that's all, nothing else", "send"]
)
def test_anonymous_step_needs_a_choice(
    make_context: MakeContext, content: Content, text: str
) -> None:
    state = DialogState("crime_report", "anonymous", {"what": "dicopet"})

    outcome = crime_report.handle(make_context(text, state=state))

    assert text_of(outcome).startswith(content.texts.get("id", "report.need_choice"))
    _, new_step, data = step(outcome)
    assert (new_step, data["what"]) == ("anonymous", "dicopet")  # nothing added


@pytest.mark.parametrize("at", ["photo", "anonymous", "confirm"])
def test_details_typed_at_a_choice_are_added_to_what_happened(
    make_context: MakeContext, content: Content, at: str
) -> None:
    state = DialogState("crime_report", at, {"what": "motor dicuri", "where": "pasar"})
    details = "motornya Honda Beat hitam plat AB 1234 XY"

    outcome = crime_report.handle(make_context(details, state=state, channel="telegram"))

    dialog, new_step, data = step(outcome)
    assert dialog == "crime_report"
    assert data["what"] == f"motor dicuri\n{details}"
    assert text_of(outcome).startswith(content.texts.get("id", "report.added"))
    assert new_step == ("anonymous" if at == "photo" else at)  # the question is asked again


def test_confirm_shows_a_shared_location(make_context: MakeContext, content: Content) -> None:
    data = {"what": "dicopet", "when": "kemarin", "latitude": -6.5, "longitude": 106.75}
    state = DialogState("crime_report", "anonymous", data)

    outcome = crime_report.handle(make_context("no", language="en", state=state))

    shared = content.texts.get("en", "report.shared_location", latitude=-6.5, longitude=106.75)
    assert f"Where: {shared}" in text_of(outcome)
    assert "Photos: 0" in text_of(outcome)


def test_confirm_submits_the_ticket(make_context: MakeContext) -> None:
    data = {
        "what": "motor dicuri",
        "where": "pasar",
        "when": "kemarin",
        "latitude": -6.5,
        "longitude": 106.75,
        "photos": [{"kind": "photo", "ref": "f1"}],
        "anonymous": True,
        "intent": "crime_report",
        "confidence": 0.77,
    }

    outcome = crime_report.handle(
        make_context("/kirim", state=DialogState("crime_report", "confirm", data))
    )

    ticket = outcome.ticket
    assert ticket is not None
    assert ticket.category is Category.CRIME_REPORT
    assert not ticket.urgent
    assert ticket.summary == "motor dicuri"
    assert ticket.details == {"what": "motor dicuri", "where": "pasar", "when": "kemarin"}
    assert ticket.location == Location(-6.5, 106.75)
    assert ticket.media == (Media("photo", "f1"),)
    assert ticket.anonymous is True
    assert (ticket.intent, ticket.confidence) == ("crime_report", 0.77)
    assert outcome.state is None
    assert "PL-7K3M-Q9XD" in text_of(outcome)
    assert "/status PL-7K3M-Q9XD" in text_of(outcome)


def test_confirm_no_cancels(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "confirm", {"what": "x"})

    outcome = crime_report.handle(make_context("tidak", state=state))

    assert outcome.ticket is None
    assert outcome.state is None
    assert text_of(outcome) == content.texts.get("id", "cancel.done")


def test_confirm_needs_a_choice(make_context: MakeContext) -> None:
    state = DialogState("crime_report", "confirm", {"what": "x"})

    outcome = crime_report.handle(make_context("hmm", state=state))

    assert outcome.ticket is None
    assert step(outcome)[1] == "confirm"


def test_a_long_story_is_shortened_in_the_summary(make_context: MakeContext) -> None:
    story = "kejadian " * 100
    state = DialogState("crime_report", "confirm", {"what": story.strip()})

    ticket = crime_report.handle(make_context("ya", state=state)).ticket

    assert ticket is not None
    assert len(ticket.summary) == 200
    assert ticket.summary.endswith("…")
    assert ticket.details["what"] == story.strip()


def test_the_dialog_speaks_english(make_context: MakeContext, content: Content) -> None:
    outcome = crime_report.handle(make_context("/lapor", language="en", command="/lapor"))

    assert text_of(outcome) == content.texts.get("en", "report.ask_what")
