"""Subscriptions and broadcasts through a real `polres serve` and the fake Bot API: an admin runs
a disaster alert, a campaign and disaster mode from the dashboard in headless Chromium and
watches them deliver; the same from the terminal; the public transparency page."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import (
    Server,
    csrf_token,
    officer_session,
    run_polres,
    serving,
    telegram_webhook_env,
)
from tests.e2e.test_telegram import SECRET, button_update, converse, ids, post_update, text_update
from tests.fakes.images import png
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = pytest.mark.rasa
PASSWORD = "sandi-admin-siaran-1"
chats = count(6_400_000_001)


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture(scope="module")
async def server(
    api: FakeTelegramApi, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    env = telegram_webhook_env(api, rasa_url, SECRET)
    async with serving(tmp_path_factory.mktemp("broadcasts"), **env) as server:
        added = run_polres(
            "user", "add", "kasi", "--role", "admin", "--password-stdin",
            env=server.env, stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        yield server


async def subscriber(server: Server, api: FakeTelegramApi, command: str) -> int:
    chat = next(chats)
    assert await post_update(server, api, text_update(chat, command)) == 200
    await api.wait_for_messages(1, chat_id=chat, within=20)
    return chat


async def admin_page(browser: Browser, server: Server) -> Page:
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    await page.goto(f"{server.url}/login?next=/dashboard/admin/broadcasts")
    await page.get_by_label("Nama pengguna").fill("kasi")
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await expect(page).to_have_url(f"{server.url}/dashboard/admin/broadcasts")
    return page


async def test_an_admin_sends_a_disaster_alert_and_watches_it_deliver(
    browser: Browser, server: Server, api: FakeTelegramApi, screenshots: Path
) -> None:
    sleman = await subscriber(server, api, "/langganan bencana kecamatan sleman")
    anywhere = await subscriber(server, api, "/langganan bencana")
    depok = await subscriber(server, api, "/langganan bencana kecamatan depok")
    page = await admin_page(browser, server)

    await page.get_by_label("Topik").select_option("bencana")
    await page.get_by_label("Kecamatan (kosong: semua)").fill("Sleman")
    await page.get_by_label("Pesan (Bahasa Indonesia)").fill(
        "Banjir di Kec. Sleman. Mengungsi ke <Balai Desa> sekarang."
    )
    await page.get_by_label("Darurat (peringatan bencana)").check()
    await page.get_by_role("button", name="Pratinjau").click()
    await expect(page.locator("#audience")).to_contain_text("2 penerima")
    await expect(page.locator("#preview blockquote")).to_have_text(
        "Banjir di Kec. Sleman. Mengungsi ke <Balai Desa> sekarang."
    )
    await page.get_by_role("button", name="Kirim").click()

    await expect(page).to_have_url(re.compile(r"/dashboard/admin/broadcasts/\d+$"))
    await expect(page.locator("#status")).to_have_text("selesai", timeout=20_000)
    await expect(page.locator("#sent")).to_have_text("2")
    assert await page.locator("#bar").get_attribute("max") == "2"
    await expect(page.locator("#cancel")).to_have_count(0)
    await page.screenshot(path=str(screenshots / "broadcast.png"), full_page=True)
    for chat in (sleman, anywhere):
        assert any("Mengungsi ke <Balai Desa>" in m.plain_text for m in api.sent_messages(chat))
    assert not any("Banjir" in m.plain_text for m in api.sent_messages(depok))


async def test_a_campaign_with_a_picture_reaches_subscribers_as_a_photo(
    browser: Browser, server: Server, api: FakeTelegramApi
) -> None:
    subscribers = [await subscriber(server, api, "/langganan kamtibmas") for _ in range(3)]
    picture = png(width=64, height=48, shade=120)
    page = await admin_page(browser, server)
    await page.get_by_label("Topik").select_option("kamtibmas")
    await page.get_by_label("Pesan (Bahasa Indonesia)").fill(
        "Pakai helm SNI, selamat sampai tujuan."
    )
    await page.locator("input[name=image]").set_input_files(
        {"name": "helm.png", "mimeType": "image/png", "buffer": picture}
    )
    await page.get_by_role("button", name="Pratinjau").click()
    preview = page.locator("#preview-image")
    await expect(preview).to_be_visible()
    assert await preview.evaluate("image => image.naturalWidth") == 64
    await page.get_by_label("Tanpa gambar").check()
    await page.get_by_role("button", name="Pratinjau").click()
    await expect(preview).to_have_count(0)  # dropped; then chosen again
    await page.locator("input[name=image]").set_input_files(
        {"name": "helm.png", "mimeType": "image/png", "buffer": picture}
    )
    await page.get_by_role("button", name="Pratinjau").click()
    await expect(preview).to_be_visible()
    await page.get_by_role("button", name="Kirim").click()  # the picture chosen before the preview

    await expect(page.locator("#status")).to_have_text("selesai", timeout=20_000)
    await expect(page.locator("#sent")).to_have_text("3")
    assert await page.locator("#image").evaluate("image => image.naturalHeight") == 48
    photos = [photo for chat in subscribers for photo in api.sent_photos(chat)]
    assert [p.plain_caption for p in photos] == ["Pakai helm SNI, selamat sampai tujuan."] * 3
    assert [p.uploaded for p in photos].count(True) == 1  # then by Telegram's file_id
    [upload] = [p for p in photos if p.uploaded]
    assert upload.sha256 == hashlib.sha256(picture).hexdigest()


async def test_a_picture_that_is_not_jpeg_or_png_is_refused(
    browser: Browser, server: Server
) -> None:
    page = await admin_page(browser, server)
    await page.get_by_label("Topik").select_option("info")
    await page.get_by_label("Pesan (Bahasa Indonesia)").fill("Pengumuman")
    await page.locator("input[name=image]").set_input_files(
        {"name": "x.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + bytes(64)}
    )
    await page.get_by_role("button", name="Kirim").click()
    await expect(page.get_by_role("alert")).to_contain_text("JPEG or PNG")
    await expect(page).to_have_url(f"{server.url}/dashboard/admin/broadcasts")


async def test_a_scheduled_campaign_is_cancelled_from_its_page(
    browser: Browser, server: Server, api: FakeTelegramApi
) -> None:
    chat = await subscriber(server, api, "/langganan narkoba")
    page = await admin_page(browser, server)
    await page.get_by_label("Topik").select_option("narkoba")
    await page.get_by_label("Pesan (Bahasa Indonesia)").fill("Katakan tidak pada narkoba.")
    await page.get_by_label("Jadwalkan").fill("2099-01-01T07:00")
    await page.get_by_role("button", name="Kirim").click()

    await expect(page.locator("#status")).to_have_text("terjadwal")
    await page.get_by_role("button", name="Batalkan siaran").click()
    await expect(page.locator("#status")).to_have_text("dibatalkan")
    await page.goto(f"{server.url}/dashboard/admin/broadcasts")
    await expect(page.locator("table.broadcasts")).to_contain_text("dibatalkan")
    assert not any("Katakan tidak" in m.plain_text for m in api.sent_messages(chat))


async def test_officers_cannot_broadcast(server: Server) -> None:
    async with officer_session(server, "bripka") as officer:
        async with officer.get("/dashboard/admin/broadcasts") as page:
            assert page.status == 403
        form = {"topic": "info", "text": "x", "action": "send"}
        form["csrf_token"] = await csrf_token(officer, "/dashboard")
        async with officer.post("/dashboard/admin/broadcasts", data=form) as sent:
            assert sent.status == 403
        async with officer.get("/dashboard/admin/broadcasts/1/progress") as progress:
            assert progress.status == 403


async def test_the_public_transparency_page_shows_aggregates_and_publications_only(
    browser: Browser, server: Server, api: FakeTelegramApi, screenshots: Path
) -> None:
    reader = await subscriber(server, api, "/langganan info")
    for chat, words in (
        (next(chats), "antrean SKCK lambat sekali"),
        (next(chats), "petugas ramah"),
    ):
        assert await post_update(server, api, text_update(chat, "/saran")) == 200
        await api.wait_for_messages(1, chat_id=chat, within=20)
        assert await post_update(server, api, text_update(chat, words)) == 200
        await api.wait_for_messages(2, chat_id=chat, within=20)
    page = await admin_page(browser, server)
    await page.goto(f"{server.url}/dashboard/admin/publications")
    await page.get_by_label("Jenis").select_option("hoax")
    await page.get_by_label("Judul").fill("Penculikan anak di pasar")
    await page.get_by_label("Isi").fill("Kabar penculikan yang beredar tidak benar.")
    await page.get_by_label("Siarkan juga").check()
    await page.get_by_role("button", name="Terbitkan").click()
    await expect(page.locator("table.publications")).to_contain_text("Penculikan anak di pasar")
    await api.wait_for_messages(2, chat_id=reader, within=20)
    assert "tidak benar" in api.sent_messages(reader)[-1].plain_text

    public = await (await browser.new_context()).new_page()  # nobody logged in
    await public.goto(f"{server.url}/transparansi")
    this_month = public.locator("#figures tbody tr").last
    feedback_column = 3 + 2  # month, messages, tickets, then question, crime_report, feedback
    await expect(this_month.locator("td").nth(1)).to_have_text("2")  # tickets
    await expect(this_month.locator("td").nth(feedback_column - 1)).to_have_text("2")
    await expect(public.locator("article.publication.hoax")).to_contain_text(
        "Klarifikasi hoaks: Penculikan anak di pasar"
    )
    await expect(public.locator("svg.chart")).to_have_count(2)
    html = await public.content()
    for private in ("lambat sekali", "petugas ramah", str(reader), "PL-"):
        assert private not in html
    await public.screenshot(path=str(screenshots / "transparency.png"), full_page=True)


async def test_disaster_mode_from_the_dashboard_alerts_and_answers_evacuation_questions(
    browser: Browser, server: Server, api: FakeTelegramApi
) -> None:
    subscribed = await subscriber(server, api, "/langganan bencana")
    page = await admin_page(browser, server)
    await page.get_by_label("Kecamatan bencana").fill("Cangkringan")
    await page.get_by_label("Pesan siaga (Bahasa Indonesia)").fill(
        "Status Awas Merapi. Segera mengungsi."
    )
    await page.get_by_role("button", name="Nyalakan mode bencana").click()
    await expect(page.locator("#status")).to_have_text("selesai", timeout=20_000)
    assert "Status Awas Merapi" in api.sent_messages(subscribed)[-1].plain_text

    asking = next(chats)
    assert await post_update(server, api, text_update(asking, "/evakuasi")) == 200
    [ask] = await api.wait_for_messages(1, chat_id=asking, within=20)
    assert ask.plain_text.startswith("⚠️ Siaga bencana — Kecamatan Cangkringan: Status Awas Merapi")
    location = load_update(
        "private_location",
        update_id=next(ids),
        message_id=next(ids),
        chat_id=asking,
        user_id=asking,
    )
    location["message"]["location"] = {"latitude": -7.5960, "longitude": 110.4260}
    assert await post_update(server, api, location) == 200
    answer = (await api.wait_for_messages(2, chat_id=asking, within=20))[1].plain_text
    assert "Barak Pengungsian Purwobinangun" in answer
    assert answer.count("google.com/maps") == 3

    await page.goto(f"{server.url}/dashboard/admin/broadcasts")
    await page.get_by_role("button", name="Matikan").click()
    await expect(page.locator("#disaster")).not_to_contain_text("sejak")
    assert await post_update(server, api, text_update(asking, "/evakuasi")) == 200
    later = (await api.wait_for_messages(3, chat_id=asking, within=20))[2].plain_text
    assert "Siaga bencana" not in later


async def polres(server: Server, *args: str) -> str:
    done = await asyncio.to_thread(run_polres, *args, env=server.env)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_subscribers_get_a_broadcast_with_a_progress_bar_and_can_stop(
    server: Server, api: FakeTelegramApi
) -> None:
    flood, english, other = next(chats), next(chats), next(chats)
    assert "Pilih topik" in await converse(server, api, flood, text_update(flood, "/langganan"))
    reply = await converse(server, api, flood, button_update(flood, "/langganan lalu_lintas"))
    assert "Info lalu lintas" in reply
    await converse(server, api, english, text_update(english, "hello, can you help me please"))
    assert "subscribed" in await converse(
        server, api, english, text_update(english, "/subscribe traffic")
    )
    await converse(server, api, other, text_update(other, "/langganan narkoba"))

    out = await polres(
        server,
        "broadcast", "send", "--topic", "lalu_lintas", "--urgent",
        "--text", "Jalan Kaliurang ditutup, banjir lahar.", "--text-en", "Kaliurang road closed: lahar flood.",
    )  # fmt: skip
    assert "100%" in out
    assert "sent 2" in out
    assert out.rstrip().endswith("done")
    assert (
        len([m for m in api.sent_messages(flood) if "Jalan Kaliurang ditutup" in m.plain_text]) == 1
    )
    assert any("road closed" in m.plain_text for m in api.sent_messages(english))
    assert not any("Kaliurang" in m.plain_text for m in api.sent_messages(other))
    assert "done" in await polres(server, "broadcast", "list")

    assert "tidak lagi" in await converse(server, api, flood, text_update(flood, "/berhenti semua"))
    await polres(
        server, "broadcast", "send", "--topic", "lalu_lintas", "--text", "Jalan dibuka lagi."
    )
    assert any("dibuka lagi" in m.plain_text for m in api.sent_messages(english))
    assert not any("dibuka lagi" in m.plain_text for m in api.sent_messages(flood))


async def test_a_scheduled_broadcast_can_be_cancelled(server: Server, api: FakeTelegramApi) -> None:
    chat = next(chats)
    await converse(server, api, chat, text_update(chat, "/langganan info"))
    out = await polres(
        server, "broadcast", "send", "--topic", "info", "--text", "Besok ada razia.",
        "--at", "2099-01-01 07:00",
    )  # fmt: skip
    assert "scheduled for 01/01/2099 07:00 WIB" in out
    broadcast_id = out.split("#", 1)[1].split()[0]
    assert f"broadcast #{broadcast_id} cancelled" in await polres(
        server, "broadcast", "cancel", broadcast_id
    )
    again = await asyncio.to_thread(run_polres, "broadcast", "cancel", broadcast_id, env=server.env)
    assert again.returncode == 2
    assert "not scheduled or running" in again.stderr
