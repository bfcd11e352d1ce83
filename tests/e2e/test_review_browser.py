"""The NLU review in a real headless Chromium and over HTTP, against `polres serve` on a copy of
the Rasa project and data/ (POLRES_CONFIG with absolute paths): the repository is never written.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from playwright.async_api import Browser, Page, expect

from bot.content import load_content, load_intents
from bot.core.privacy import mask_personal_data
from tests.e2e.conftest import ROOT, Server, csrf_token, run_polres, running_polres

pytestmark = pytest.mark.rasa

REVIEW = "/dashboard/admin/review"
TOPICS = "/dashboard/admin/topics/new"
PASSWORDS = {"admin": "sandi-admin-4567", "siti": "sandi-petugas-123"}
# Vague messages with personal data; the two the model is least sure of are "low confidence"
# for this server (review.confidence_below is raised to cover them if the model is surer).
VAGUE = (
    "kalau soal itu bagaimana, wa 0812-3456-7890",
    "zzz qqq B 1234 ABC",
    "saya mau tanya, hp 081234567890",
    "ya sudah pak, email budi@contoh.id",
)
CLEAR = "bagaimana cara membuat SKCK?"


@dataclass
class ReviewServer:
    server: Server
    project: Path
    data: Path
    parses: dict[str, dict[str, Any]]  # Rasa's answer per text
    threshold: float

    def confidence(self, text: str) -> float:
        return float(self.parses[text]["intent"]["confidence"])

    def low(self, texts: tuple[str, ...]) -> list[str]:
        """The texts the review offers, least confident first."""
        return sorted(
            (t for t in texts if self.confidence(t) < self.threshold), key=self.confidence
        )


def parse(rasa_url: str, text: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{rasa_url}/model/parse", data=json.dumps({"text": text}).encode()
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for f in folders for p in f.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def review_server(
    rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ReviewServer]:
    tmp = tmp_path_factory.mktemp("review")
    project, data = tmp / "rasa_project", tmp / "data"
    project.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / "rasa_project" / name, project / name)
    shutil.copytree(ROOT / "rasa_project" / "data", project / "data")
    shutil.copytree(ROOT / "data", data)
    parses = {text: parse(rasa_url, text) for text in (*VAGUE, CLEAR)}
    second_lowest = sorted(float(parses[t]["intent"]["confidence"]) for t in VAGUE)[1]
    threshold = min(1.0, max(0.6, second_lowest + 0.001))
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["paths"] = {key: str(ROOT / value) for key, value in config["paths"].items()}
    config["paths"].update(
        rasa_project=str(project), data=str(data), models=str(tmp / "models"), var=str(tmp)
    )
    config["review"]["confidence_below"] = threshold
    config_path = tmp / "config.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    repository = snapshot(ROOT / "rasa_project" / "data", ROOT / "data")

    with running_polres(tmp, RASA_URL=rasa_url, POLRES_CONFIG=str(config_path)) as server:
        for name, role in (("admin", "admin"), ("siti", "officer")):
            added = run_polres(
                "user", "add", name, "--role", role, "--password-stdin",
                env=server.env, stdin=PASSWORDS[name] + "\n",
            )  # fmt: skip
            assert added.returncode == 0, added.stderr
        yield ReviewServer(server, project, data, parses, threshold)
    assert snapshot(ROOT / "rasa_project" / "data", ROOT / "data") == repository


def citizen_says(server: Server, session: str, text: str) -> None:
    request = urllib.request.Request(
        f"{server.url}/api/webchat/{session}/messages",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


async def log_in(browser: Browser, server: Server, username: str) -> Page:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    await page.goto(f"{server.url}/login")
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Kata sandi").fill(PASSWORDS[username])
    await page.get_by_role("button", name="Masuk").click()
    await expect(page).to_have_url(f"{server.url}/dashboard")
    return page


@contextlib.asynccontextmanager
async def http_login(server: Server, username: str) -> AsyncIterator[aiohttp.ClientSession]:
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(server.url, cookie_jar=jar) as session:
        form = {"username": username, "password": PASSWORDS[username], "next": "/dashboard"}
        form["csrf_token"] = await csrf_token(session, "/login")
        async with session.post("/login", data=form) as response:
            assert response.url.path == "/dashboard"
        yield session


async def test_an_admin_corrects_and_discards_by_keyboard(
    browser: Browser, review_server: ReviewServer, screenshots: Path
) -> None:
    setup = review_server
    texts = (*VAGUE, CLEAR)
    for number, text in enumerate(texts):
        citizen_says(setup.server, f"review-e2e-{number}", text)
    low = setup.low(texts)
    first, second = low[0], low[1]
    corrected = setup.parses[first]["intent_ranking"][1]["name"]  # the model's second choice

    page = await log_in(browser, setup.server, "admin")
    await page.get_by_role("link", name="Tinjauan NLU").click()
    rows = page.locator("tr.review-row")
    await expect(rows).to_have_count(len(low))
    for row, text in zip(await rows.all(), low, strict=True):
        await expect(row.locator("td.text")).to_contain_text(text)
    await expect(page.locator('#waiting [data-count="total"]')).to_have_text(str(len(low)))
    await expect(rows.first).to_have_class(re.compile(r"\bselected\b"))
    await page.screenshot(path=str(screenshots / "review.png"), full_page=True)

    await page.keyboard.press("2")
    await expect(rows.first.locator("select[name=intent]")).to_have_value(corrected)
    await page.keyboard.press("Enter")
    await expect(page.get_by_text(f"dikoreksi sebagai {corrected}")).to_be_visible()
    await expect(rows).to_have_count(len(low) - 1)
    await expect(rows.first).to_contain_text(second)
    await expect(rows.first).to_have_class(re.compile(r"\bselected\b"))
    await page.keyboard.press("x")
    await expect(page.get_by_text("dibuang")).to_be_visible()
    await expect(rows).to_have_count(len(low) - 2)
    await expect(page.locator('#waiting [data-count="total"]')).to_have_text(str(len(low) - 2))

    await page.reload()
    await expect(rows).to_have_count(len(low) - 2)
    reviewed = (setup.project / "data" / "nlu" / "reviewed.yml").read_text(encoding="utf-8")
    masked = mask_personal_data(first)
    assert masked != first
    assert f"- intent: {corrected}\n  examples: |\n    - {masked}\n" in reviewed
    assert mask_personal_data(second) not in reviewed
    assert not re.search(r"0812|1234|budi@", reviewed)


async def test_officers_are_refused_and_mistakes_get_clear_answers(
    review_server: ReviewServer,
) -> None:
    setup = review_server
    text = setup.low(VAGUE)[0]
    citizen_says(setup.server, "review-e2e-http", text)
    citizen_says(setup.server, "review-e2e-form", text)
    async with http_login(setup.server, "siti") as officer:
        for path in (REVIEW, TOPICS):
            async with officer.get(path) as response:
                assert response.status == 403
        token = await csrf_token(officer, "/dashboard")
        async with officer.post(f"{REVIEW}/1/discard", data={"csrf_token": token}) as response:
            assert response.status == 403

    async with http_login(setup.server, "admin") as admin:
        async with admin.get(f"{REVIEW}?sort=random") as response:
            assert response.status == 400
            assert "sort: one of confidence, newest" in await response.text()
        async with admin.get(REVIEW) as response:
            page = await response.text()
        row = rf'data-id="(\d+)"[^>]*>\s*<td class="text">{re.escape(html.escape(text))}'
        first, second = (found.group(1) for found in re.finditer(row, page))
        confirm = f"{REVIEW}/{first}/confirm"
        token = await csrf_token(admin, REVIEW)
        plain = {"csrf_token": token, "back": "sort=newest&csrf_token=x&reason="}
        async with admin.post(f"{REVIEW}/{second}/discard", data=plain) as response:
            assert response.status == 200  # the form post without the script: back to the queue
            assert str(response.url.relative()) == f"{REVIEW}?sort=newest"
        as_script = {"X-CSRF-Token": token, "Accept": "application/json"}

        async with admin.post(confirm, data={"intent": "nope"}, headers=as_script) as response:
            assert (response.status, await response.json()) == (
                400,
                {"error": "unknown intent 'nope'"},
            )
        async with admin.post(confirm, data={"intent": "greet"}, headers=as_script) as response:
            assert response.status == 200
            answer = await response.json()
        assert answer["status"] in ("confirmed", "corrected")
        assert set(answer["waiting"]) == {
            "low_confidence",
            "clarified",
            "reclassified",
            "overruled",
        }
        async with admin.post(confirm, data={"intent": "thanks"}, headers=as_script) as response:
            assert response.status == 409
            assert "already reviewed" in (await response.json())["error"]
        form = {"intent": "thanks", "csrf_token": token, "back": "sort=newest"}
        async with admin.post(confirm, data=form) as response:
            assert response.status == 409
            assert "by admin" in await response.text()
        async with admin.post(f"{REVIEW}/999999/discard", headers=as_script) as response:
            assert response.status == 409
            assert "not a classified citizen message" in (await response.json())["error"]


async def test_an_admin_adds_an_faq_topic(review_server: ReviewServer) -> None:
    setup = review_server
    form = {
        "topic": "pajak_kendaraan",
        "examples": "cara bayar pajak motor\npajak kendaraan bisa online?\nsamsat buka jam berapa",
        "title_id": "Pajak kendaraan",
        "title_en": "Vehicle tax",
        "answer_id": "Bayar pajak kendaraan di Samsat dengan KTP dan STNK.",
        "answer_en": "Pay vehicle tax at Samsat with your KTP and STNK.",
    }
    async with http_login(setup.server, "admin") as admin:
        form["csrf_token"] = await csrf_token(admin, TOPICS)
        async with admin.post(TOPICS, data=form) as response:
            assert response.status == 400
            page = await response.text()
        assert "at least 5 different phrases" in page
        assert 'value="Vehicle tax"' in page  # what was typed stays

        form["examples"] += "\nhow to pay vehicle tax\ntelat bayar pajak motor denda berapa"
        async with admin.post(TOPICS, data=form) as response:
            assert response.status == 200  # followed the redirect back to the form
            assert "Topik <strong>faq_pajak_kendaraan</strong> ditambahkan" in await response.text()
        async with admin.post(TOPICS, data=form) as response:
            assert response.status == 400
            assert "topic &#39;pajak_kendaraan&#39; already exists" in await response.text()

    assert (setup.project / "data" / "nlu" / "topic_pajak_kendaraan.yml").is_file()
    domain = yaml.safe_load((setup.project / "domain.yml").read_text(encoding="utf-8"))
    assert "faq_pajak_kendaraan" in domain["intents"]
    assert load_intents(setup.data).spec("faq_pajak_kendaraan").faq_topic == "pajak_kendaraan"
    content = load_content(setup.data, ("id", "en"))
    assert content.faq_answer("pajak_kendaraan", "en").startswith("Pay vehicle tax at Samsat")


async def test_an_admin_adds_a_topic_with_a_short_answer_and_a_button(
    browser: Browser, review_server: ReviewServer, screenshots: Path
) -> None:
    setup = review_server
    page = await log_in(browser, setup.server, "admin")
    await page.goto(f"{setup.server.url}{TOPICS}")
    await page.get_by_label("Nama topik").fill("tes_urine")
    await page.get_by_label("Contoh kalimat warga").fill(
        "tes urine di mana\nbiaya tes urine berapa\ncara tes urine buat kerja\n"
        "tes urin buka jam brp\nwhere can I get a drug test"
    )
    for lang, title, answer in (
        ("id", "Tes urine", "Tes urine di Klinik Polres, Senin-Jumat. Biaya Rp50.000."),
        ("en", "Drug test", "Drug tests at the Polres clinic, Monday-Friday. Fee Rp50,000."),
    ):
        await page.get_by_label(f"Judul ({lang})").fill(title)
        await page.get_by_label(f"Jawaban ({lang})").fill(answer)
    await page.get_by_label("Tombol di bawah jawaban").select_option("report")
    await page.get_by_text("Jawaban singkat per bagian").click()
    await page.get_by_label("Biaya (id)").fill("Biaya tes urine Rp75.000.")  # not the answer's fee
    await page.get_by_label("Biaya (en)").fill("The drug test fee is Rp50,000.")
    await page.get_by_role("button", name="Tambah topik").click()

    await expect(page.get_by_role("alert")).to_contain_text("short answer cost (id) states 75")
    # What was typed stays, the short answers open.
    await expect(page.get_by_label("Biaya (id)")).to_have_value("Biaya tes urine Rp75.000.")
    await expect(page.get_by_label("Tombol di bawah jawaban")).to_have_value("report")
    await page.get_by_label("Biaya (id)").fill("Biaya tes urine Rp50.000.")
    await page.screenshot(path=str(screenshots / "topic_new.png"), full_page=True)
    await page.get_by_role("button", name="Tambah topik").click()
    await expect(page.get_by_role("status")).to_contain_text("faq_tes_urine ditambahkan")

    faq = load_content(setup.data, ("id", "en")).faq["tes_urine"]
    assert faq.action == "report"
    assert faq.focused(frozenset({"cost"}), "en") == "The drug test fee is Rp50,000."
    assert faq.focused(frozenset({"hours"}), "id") is None  # left empty
