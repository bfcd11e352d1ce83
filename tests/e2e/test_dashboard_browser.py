"""The officers' dashboard in a real headless Chromium: login, queue, ticket view, access rules."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright._impl._api_structures import Cookie
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ROOT, Server, run_polres, running_polres

pytestmark = pytest.mark.rasa

PASSWORDS = {"siti": "sandi-petugas-123", "admin": "sandi-admin-4567"}
ATTACK = (
    "tolong ada perampokan sekarang di rumah saya <script>document.body.dataset.hacked=1</script>"
)


@pytest.fixture(scope="module")
def server(rasa_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_polres(tmp_path_factory.mktemp("dashboard"), RASA_URL=rasa_url) as running:
        for name, role in (("siti", "officer"), ("admin", "admin")):
            added = run_polres(
                "user", "add", name, "--role", role, "--password-stdin",
                env=running.env, stdin=PASSWORDS[name] + "\n",
            )  # fmt: skip
            assert added.returncode == 0, added.stderr
        yield running


def citizen_says(server: Server, session: str, text: str) -> list[str]:
    request = urllib.request.Request(
        f"{server.url}/api/webchat/{session}/messages",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return [reply["text"] for reply in json.load(response)["replies"]]


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport={"width": 1200, "height": 800})
    yield context
    await context.close()


# Sessions of earlier logins, reused: the login form allows 10 attempts a minute per address.
_sessions: dict[str, list[Cookie]] = {}


async def log_in(
    context: BrowserContext, server: Server, username: str, fresh: bool = False
) -> Page:
    page = await context.new_page()
    if username in _sessions and not fresh:
        await context.add_cookies(_sessions[username])  # type: ignore[arg-type]
        await page.goto(f"{server.url}/dashboard")
        await expect(page).to_have_url(f"{server.url}/dashboard")
        return page
    await page.goto(f"{server.url}/dashboard")
    await expect(page).to_have_url(f"{server.url}/login?next=/dashboard")
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Kata sandi").fill(PASSWORDS[username])
    await page.get_by_role("button", name="Masuk").click()
    await expect(page).to_have_url(f"{server.url}/dashboard")
    if not fresh:
        _sessions[username] = await context.cookies()
    return page


async def test_officer_sees_an_urgent_ticket_and_its_conversation_as_text(
    context: BrowserContext, server: Server, screenshots: Path
) -> None:
    replies = citizen_says(server, "dash-e2e-1", ATTACK)
    assert "110" in replies[0]
    page = await log_in(context, server, "siti")

    row = page.locator("tr.urgent").filter(has_text="perampokan")
    await expect(row).to_be_visible()
    await expect(row).to_contain_text("<script>")  # shown as text
    # In the officers' words, not the stored values.
    cells = row.locator("td")
    for column, text in ((1, "Laporan kejadian"), (2, "Baru"), (4, "Web chat")):
        await expect(cells.nth(column)).to_have_text(text)
    await page.screenshot(path=str(screenshots / "queue.png"))

    await row.get_by_role("link").click()
    await expect(page.locator("h1")).to_contain_text("DARURAT")
    citizen_line = page.locator(".conversation li.citizen").filter(has_text="perampokan")
    await expect(citizen_line).to_contain_text("<script>document.body.dataset.hacked=1</script>")
    await expect(page.locator(".conversation li.bot").first).to_contain_text("110")
    assert await page.evaluate("document.body.dataset.hacked") is None
    await page.screenshot(path=str(screenshots / "ticket.png"), full_page=True)


async def test_filters_narrow_the_queue(context: BrowserContext, server: Server) -> None:
    citizen_says(server, "dash-e2e-2", "ada kebakaran besar di pasar, tolong cepat!")
    page = await log_in(context, server, "siti")
    await page.get_by_label("Darurat").select_option("no")
    await page.get_by_role("button", name="Saring").click()
    await expect(page).to_have_url(f"{server.url}/dashboard?status=&category=&urgent=no&channel=")
    await expect(page.locator("tr.urgent")).to_have_count(0)


async def test_a_post_without_the_csrf_token_is_refused(
    context: BrowserContext, server: Server
) -> None:
    page = await log_in(context, server, "admin")
    refused = await page.request.post(
        f"{server.url}/dashboard/admin/users",
        form={"username": "mallory", "password": "x" * 12, "role": "admin"},
    )
    assert refused.status == 403
    await page.goto(f"{server.url}/dashboard/admin/users")
    await expect(page.locator("table.users")).not_to_contain_text("mallory")


async def test_admin_adds_an_officer_from_the_users_page(
    context: BrowserContext, server: Server
) -> None:
    page = await log_in(context, server, "admin")
    await page.get_by_role("link", name="Pengguna").click()
    await page.get_by_label("Nama pengguna").fill("budi")
    await page.get_by_label("Kata sandi").fill("sandi-budi-0000")
    await page.get_by_role("button", name="Tambah").click()
    budi = page.locator("table.users tr").filter(has_text="budi")
    await expect(budi).to_contain_text("aktif")
    await expect(budi).to_contain_text("petugas")
    await budi.get_by_role("button", name="Nonaktifkan").click()
    await expect(budi).to_contain_text("nonaktif")
    own = page.locator("table.users tr").filter(has_text="admin")
    await expect(own.get_by_role("button", name="Nonaktifkan")).to_have_count(0)


async def test_an_officer_cannot_open_admin_pages(context: BrowserContext, server: Server) -> None:
    page = await log_in(context, server, "siti")
    await expect(page.get_by_role("link", name="Pengguna")).to_have_count(0)
    response = await page.goto(f"{server.url}/dashboard/admin/users")
    assert response is not None
    assert response.status == 403


async def test_wrong_password_and_logout(context: BrowserContext, server: Server) -> None:
    page = await context.new_page()
    await page.goto(f"{server.url}/login")
    await page.get_by_label("Nama pengguna").fill("siti")
    await page.get_by_label("Kata sandi").fill("salah-sekali-1")
    await page.get_by_role("button", name="Masuk").click()
    await expect(page.get_by_role("alert")).to_contain_text("nama pengguna atau kata sandi salah")

    page = await log_in(context, server, "siti", fresh=True)
    cookie = next(c for c in await context.cookies() if c["name"] == "polres_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    await page.get_by_role("button", name="Keluar").click()
    await expect(page).to_have_url(f"{server.url}/login")
    api = await page.request.get(f"{server.url}/dashboard/api/queue")
    assert api.status == 401


def test_the_screenshots_the_readme_links_are_in_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    linked = re.findall(r"\(docs/screenshots/([\w-]+\.png)\)", readme)
    assert len(linked) >= 5
    assert all((ROOT / "docs" / "screenshots" / name).is_file() for name in linked)


async def test_claim_reply_note_resolve_and_rate_with_the_citizen_in_web_chat(
    browser: Browser, context: BrowserContext, server: Server
) -> None:
    officer = await log_in(context, server, "siti")  # the queue is open before the report
    citizen_context = await browser.new_context()
    citizen = await citizen_context.new_page()
    await citizen.goto(server.url)
    bot = citizen.locator(".msg.bot")
    await expect(bot.first).to_be_visible()

    async def citizen_types(text: str) -> None:
        """Type and send; returns once the bot has processed the message."""
        await citizen.get_by_label("Pesan").fill(text)
        async with citizen.expect_response(
            lambda r: r.url.endswith("/messages") and r.request.method == "POST"
        ):
            await citizen.keyboard.press("Enter")

    await citizen_types("tolong ada maling masuk rumah saya sekarang juga")
    await expect(bot.last).to_contain_text("110")

    # The new urgent ticket appears in the open queue without a reload, with an alert.
    row = officer.locator("tr.urgent").filter(has_text="maling masuk rumah")
    await expect(row).to_be_visible(timeout=15_000)
    await expect(officer.get_by_role("alert")).to_contain_text("DARURAT")
    await expect(row).to_contain_text("Laporan kejadian")  # drawn by the page's script
    await expect(row).to_contain_text("Web chat")
    await row.get_by_role("link").click()
    code = (await officer.locator("h1").inner_text()).split()[0]

    await officer.get_by_role("button", name="Ambil tiket").click()
    await expect(officer.locator(".facts")).to_contain_text("siti")
    await expect(bot.last).to_contain_text(f"Laporan {code} sedang ditangani petugas")

    # While the officer holds the ticket the bot stays quiet; the message joins the ticket.
    bot_lines = await bot.count()
    await citizen_types("rumah saya di jalan melati nomor 5")
    await officer.reload()
    await expect(officer.locator(".conversation li.citizen").last).to_contain_text("melati")
    assert await bot.count() == bot_lines

    await officer.get_by_label("Balasan ke warga").fill(
        "Petugas kami menuju lokasi, tetap di tempat aman."
    )
    await officer.get_by_role("button", name="Kirim balasan").click()
    await expect(officer.locator(".facts")).to_contain_text("Dijawab")
    await expect(bot.last).to_contain_text("Petugas: Petugas kami menuju lokasi", timeout=10_000)

    await officer.get_by_label("Catatan internal").fill("cek CCTV pos ronda")
    await officer.get_by_role("button", name="Simpan catatan").click()
    await expect(officer.locator(".notes")).to_contain_text("cek CCTV pos ronda")

    await officer.get_by_role("button", name="Selesaikan").click()
    await expect(officer.locator(".facts")).to_contain_text("Selesai")
    await expect(bot.last).to_contain_text("Beri nilai 1", timeout=10_000)
    await citizen.get_by_role("button", name="5", exact=True).click()
    await expect(bot.last).to_contain_text("5/5")
    await officer.reload()
    await expect(officer.locator(".facts")).to_contain_text("5/5")
    await expect(citizen.locator("body")).not_to_contain_text("cek CCTV")
    await citizen_context.close()


async def test_a_ticket_claimed_by_someone_else_cannot_be_claimed_again(
    context: BrowserContext, server: Server
) -> None:
    citizen_says(server, "dash-e2e-4", "tolong ada penjambretan sekarang di depan toko")
    first = await log_in(context, server, "siti")
    await first.locator("tr").filter(has_text="penjambretan").get_by_role("link").click()
    second = await context.browser.new_context() if context.browser else None
    assert second is not None
    admin_page = await log_in(second, server, "admin")
    await admin_page.goto(first.url)
    await admin_page.get_by_role("button", name="Ambil tiket").click()  # admin is first
    await first.get_by_role("button", name="Ambil tiket").click()
    await expect(first.get_by_role("alert")).to_contain_text("not waiting to be claimed")
    await second.close()


async def test_canned_reply_reclassify_and_statistics(
    context: BrowserContext, server: Server
) -> None:
    citizen_says(server, "dash-e2e-5", "tolong ada copet beraksi sekarang di terminal")
    page = await log_in(context, server, "siti")
    await page.locator("tr").filter(has_text="copet beraksi").get_by_role("link").click()
    await page.get_by_role("button", name="Ambil tiket").click()

    await page.get_by_label("Balasan siap pakai").select_option(label="Petugas menuju lokasi")
    await expect(page.get_by_label("Balasan ke warga")).to_have_value(
        re.compile("Petugas kami sedang menuju lokasi")
    )
    await page.get_by_role("button", name="Kirim balasan").click()
    await expect(page.locator(".conversation li.bot").last).to_contain_text(
        "Petugas kami sedang menuju lokasi"
    )

    await page.get_by_label("Koreksi intent").select_option("crime_report")
    await page.get_by_role("button", name="Koreksi").click()
    await expect(page.locator(".facts")).to_contain_text("intent crime_report")

    await page.get_by_role("link", name="Statistik").click()
    await expect(page.locator("svg.chart")).to_have_count(2)
    await expect(page.locator(".stats")).to_contain_text("menit")
    await expect(page.get_by_role("link", name="Balasan siap pakai")).to_have_count(0)


async def test_an_officer_answers_with_a_part_of_an_faq_answer_in_the_citizens_language(
    context: BrowserContext, server: Server
) -> None:
    citizen_says(server, "dash-e2e-faq", "/petugas")
    citizen_says(server, "dash-e2e-faq", "Hello, is the SKCK for my work visa the same price?")
    page = await log_in(context, server, "siti")
    await page.locator("tr").filter(has_text="my work visa").get_by_role("link").click()
    await page.get_by_role("button", name="Ambil tiket").click()

    picker = page.get_by_label("Balasan siap pakai")
    await picker.select_option(label="SKCK (Surat Keterangan Catatan Kepolisian) — biaya")
    reply = page.get_by_label("Balasan ke warga")
    await expect(reply).to_have_value(re.compile(r"^The official SKCK fee is Rp30,000"))
    await reply.press("Control+End")
    await reply.type(" It is the same for a visa.")
    await page.get_by_role("button", name="Kirim balasan").click()
    await expect(page.locator(".conversation li.bot").last).to_contain_text(
        "never through brokers. It is the same for a visa."
    )


async def test_admin_manages_canned_replies(context: BrowserContext, server: Server) -> None:
    page = await log_in(context, server, "admin")
    await page.get_by_role("link", name="Balasan siap pakai").click()
    await expect(page.locator("table.canned")).to_contain_text("Propam")
    await page.get_by_label("Bahasa").select_option("en")
    await page.get_by_label("Judul").fill("Lost wallet")
    await page.get_by_label("Teks").fill("Please file a lost-item letter at the SPKT desk.")
    await page.get_by_role("button", name="Simpan").click()
    row = page.locator("tr").filter(has_text="Lost wallet")
    await expect(row).to_be_visible()
    await row.get_by_role("button", name="Hapus").click()
    await expect(page.locator("tr").filter(has_text="Lost wallet")).to_have_count(0)
