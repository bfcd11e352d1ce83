"""The web chat page in a real headless Chromium (Debian's package; never a downloaded browser)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import PLAIN_HTTP_HOST, Server

pytestmark = pytest.mark.rasa


@pytest.fixture
async def page(browser: Browser, server: Server) -> AsyncIterator[Page]:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(server.url)
    yield page
    await context.close()


async def test_page_greets_with_the_menu_and_buttons_work(page: Page) -> None:
    bot = page.locator(".msg.bot")
    await expect(bot.first).to_contain_text("asisten virtual Polres")
    await page.get_by_role("button", name="Lapor kejadian").click()
    await expect(bot.last).to_contain_text("ceritakan apa yang terjadi")
    await page.get_by_label("Pesan").fill("dompet saya dicopet di bus tadi pagi")
    await page.get_by_role("button", name="Kirim", exact=True).click()
    await expect(bot.last).to_contain_text("Di mana tepatnya kejadian di bus?")
    await page.get_by_role("button", name="Sudah cukup").click()
    await expect(bot.last).to_contain_text("Sekitar jam berapa kejadiannya, tadi pagi?")


async def test_typed_faq_question_gets_its_answer(page: Page) -> None:
    await expect(page.locator(".msg.bot").first).to_be_visible()
    await page.get_by_label("Pesan").fill("syarat bikin SKCK apa aja min?")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.me").last).to_have_text("syarat bikin SKCK apa aja min?")
    await expect(page.locator(".msg.bot").last).to_contain_text("SKCK")


async def test_citizen_text_is_shown_as_text_never_as_html(page: Page) -> None:
    await expect(page.locator(".msg.bot").first).to_be_visible()
    attack = '<img src=x onerror="document.body.dataset.hacked=1">halo'
    await page.get_by_label("Pesan").fill(attack)
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.me").last).to_have_text(attack)
    await expect(page.locator(".msg.bot")).to_have_count(2)
    assert await page.evaluate("document.body.dataset.hacked") is None
    assert await page.locator(".msg img").count() == 0


async def test_a_reload_shows_the_conversation_so_far_once(page: Page) -> None:
    await expect(page.locator(".msg.bot").first).to_be_visible()
    await page.get_by_label("Pesan").fill("syarat bikin SKCK apa aja min?")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.bot")).to_have_count(2)
    await page.get_by_role("button", name="Lapor kejadian").first.click()
    await expect(page.locator(".msg.bot")).to_have_count(3)

    await page.reload()

    # as first shown: the /start and the pressed button's payload by their titles
    shown = ["Mulai", "syarat bikin SKCK apa aja min?", "Lapor kejadian"]
    await expect(page.locator(".msg.me")).to_have_text(shown)
    await expect(page.locator(".msg.bot")).to_have_count(3)
    await expect(page.locator(".msg.bot").nth(1)).to_contain_text("SKCK")
    await page.wait_for_timeout(3500)  # a poll later: nothing shown twice
    await expect(page.locator(".msg.bot")).to_have_count(3)


async def test_the_page_works_over_plain_http_from_a_lan_address(
    browser: Browser, server: Server
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(server.url.replace("127.0.0.1", PLAIN_HTTP_HOST))
    assert await page.evaluate("window.isSecureContext") is False
    await expect(page.locator(".msg.bot").first).to_contain_text("asisten virtual Polres")
    await page.get_by_label("Pesan").fill("syarat bikin SKCK apa aja min?")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.bot").last).to_contain_text("SKCK")
    session = await page.evaluate("localStorage.getItem('polres-session')")
    assert re.fullmatch(r"[0-9a-f]{32}", session)
    await context.close()


async def test_a_web_address_in_a_reply_is_a_link_and_the_citizens_text_stays_text(
    page: Page,
) -> None:
    await expect(page.locator(".msg.bot").first).to_be_visible()
    await page.get_by_label("Pesan").fill("/info skck")
    await page.keyboard.press("Enter")
    answer = page.locator(".msg.bot").last
    await expect(answer).to_contain_text("skck.polri.go.id")

    link = answer.locator("a", has_text=re.compile(r"^skck\.polri\.go\.id$")).first
    await expect(link).to_have_attribute("href", "https://skck.polri.go.id")
    await expect(link).to_have_attribute("target", "_blank")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    assert "skck.polri.go.id" in await answer.inner_text()  # the text reads as before

    await page.get_by_label("Pesan").fill("cek evil.example.com ya")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.me").last).to_have_text("cek evil.example.com ya")
    assert await page.locator(".msg.me a").count() == 0
