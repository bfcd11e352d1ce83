"""The retraining loop with the real Rasa: annotate → train → evaluate → activate while serving
→ the annotated example is understood; rollback restores the old behaviour.

Everything runs through the real `polres` commands on a copy of the project (so the
repository's data and models stay untouched); `polres serve` manages its own Rasa servers
(no RASA_URL), which is what lets it switch models without a pause.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from playwright.async_api import Browser, expect

from bot.nlu.dataset import Example, write_nlu_yaml
from tests.e2e.conftest import Server, browser, polres_env, run_polres, serving

pytestmark = [pytest.mark.rasa, pytest.mark.timeout(1800)]
__all__ = ["browser"]  # the Chromium fixture of the end-to-end tests
ROOT = Path(__file__).resolve().parents[2]
# Nonsense no model has seen: what a model says about it is only what it was taught.
ODD = "zorblax ungu melompat rendah"
ANNOTATED = "faq_skck"


@dataclass(frozen=True)
class Project:
    folder: Path
    env: dict[str, str]

    def polres(self, *args: str, timeout: float = 1200) -> str:
        done = run_polres(*args, env=self.env, timeout=timeout)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def versions(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.polres("nlu", "models", "--json").splitlines()]


@pytest.fixture(scope="module")
def project(rasa_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project with the current model, version 1 adopted and evaluated, and
    version 2 trained on one annotated example more."""
    folder = tmp_path_factory.mktemp("retraining")
    shutil.copytree(ROOT / "rasa_project", folder / "rasa_project", ignore=_models)
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "models").mkdir()
    shutil.copy(rasa_model, folder / "models" / rasa_model.name)
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    config["paths"] = {
        "rasa_project": str(folder / "rasa_project"),
        "models": str(folder / "models"),
        "rasa_venv": str(ROOT / ".venv-rasa"),
        "data": str(folder / "data"),
        "var": str(folder / "var"),
        "reports": str(folder / "reports"),
    }
    config["models"]["poll_seconds"] = 1
    (folder / "config.yml").write_text(yaml.safe_dump(config))
    env = polres_env(folder, POLRES_CONFIG=str(folder / "config.yml"))
    current = Project(folder, env)
    current.polres("db", "upgrade")
    current.polres("nlu", "train")  # adopts the existing model as version 1 and evaluates it
    write_nlu_yaml(
        [Example(ODD, ANNOTATED)], folder / "rasa_project" / "data" / "nlu" / "reviewed.yml"
    )
    current.polres("nlu", "train")  # version 2: really trains
    return current


def _models(folder: str, names: list[str]) -> list[str]:
    return ["models"] if Path(folder).name == "rasa_project" else []


async def test_versions_are_recorded_with_metrics_and_the_first_is_active(
    project: Project,
) -> None:
    second, first = project.versions()
    assert (first["version"], first["active"], second["version"], second["active"]) == (
        1,
        True,
        2,
        False,
    )
    assert second["status"] == "ready"
    assert second["train_seconds"] > 0
    for version in (first, second):
        metrics = version["metrics"]
        assert 0.5 < metrics["category_macro_f1"] <= 1.0
        assert metrics["examples"] > 100
    assert (project.folder / "reports" / "models" / "2" / "confusion_matrix.png").is_file()


async def test_evaluate_prints_the_comparison_on_the_same_examples(project: Project) -> None:
    printed = project.polres("nlu", "evaluate", "2")
    assert "model version 2 against the active model" in printed
    assert "category_macro_f1" in printed
    assert "faq_skck" in printed  # per intent
    assert "verdict:" in printed


@pytest.fixture(scope="module")
async def server(project: Project) -> AsyncIterator[Server]:
    async with serving(project.folder, POLRES_CONFIG=project.env["POLRES_CONFIG"]) as running:
        yield running


async def reply_to(http: aiohttp.ClientSession, server: Server, session: str, text: str) -> str:
    url = f"{server.url}/api/webchat/{session}/messages"
    async with http.post(url, json={"text": text}) as response:
        assert response.status == 200, await response.text()  # 202 would mean NLU unavailable
        return " ".join(reply["text"] for reply in (await response.json())["replies"])


async def test_activation_while_serving_loses_no_classification_then_rollback(
    project: Project, server: Server
) -> None:
    faq = "SKCK diurus di Polsek/Polres"  # the Indonesian SKCK answer
    async with aiohttp.ClientSession() as http:
        assert faq not in await reply_to(http, server, "before-1", ODD)

        stop = asyncio.Event()
        answered: list[float] = []

        async def keep_asking() -> None:
            texts = ["cara buat sim", "halo", "terima kasih pak", "cara lapor kehilangan"]
            turn = 0
            while not stop.is_set():
                turn += 1
                started = time.monotonic()
                await reply_to(http, server, f"steady-{turn}", texts[turn % len(texts)])
                answered.append(time.monotonic() - started)

        asker = asyncio.create_task(keep_asking())
        comparison = project.polres("nlu", "evaluate", "2")
        forced = "may be activated" not in comparison
        args = ["--force", "--reason", "integration test"] if forced else []
        said = await asyncio.to_thread(project.polres, "nlu", "activate", "2", *args)
        assert "starts loading it within 1 s" in said  # this project's models.poll_seconds
        await _until(lambda: faq in _sync_reply(server, ODD), within=240)
        stop.set()
        await asyncio.wait_for(asker, 60)
        assert len(answered) >= 10
        assert max(answered) < 10  # never stalled for a request timeout

    active = [v["version"] for v in project.versions() if v["active"]]
    assert active == [2]


async def test_an_admin_rolls_back_from_the_dashboard(
    project: Project, server: Server, browser: Browser
) -> None:
    added = run_polres(
        "user", "add", "admin", "--role", "admin", "--password-stdin",
        env=server.env, stdin="sandi-admin-4567\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{server.url}/dashboard/admin/models")
    await page.get_by_label("Nama pengguna").fill("admin")
    await page.get_by_label("Kata sandi").fill("sandi-admin-4567")
    await page.get_by_role("button", name="Masuk").click()
    await expect(page).to_have_url(f"{server.url}/dashboard/admin/models")
    await expect(page.locator("tr.active")).to_contain_text("AKTIF")
    await expect(page.locator("tr.active td").first).to_have_text("2")
    # Unchanged data: a new training is refused with the reason.
    await page.get_by_role("button", name="Latih model baru").click()
    await expect(page.get_by_role("alert")).to_contain_text("has not changed since model version")

    await page.get_by_role("link", name="1", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Model versi 1")
    await expect(page.locator("table.comparison")).to_contain_text("category_macro_f1")
    if await page.get_by_label("Paksa aktifkan").count():
        await page.get_by_label("Paksa aktifkan").check()
        await page.get_by_label("Alasan (wajib bila dipaksa)").fill("rollback test")
    await page.get_by_role("button", name="Aktifkan versi ini").click()
    await expect(page).to_have_url(f"{server.url}/dashboard/admin/models")
    await expect(page.locator("tr.active td").first).to_have_text("1")
    await context.close()

    faq = "SKCK diurus di Polsek/Polres"  # the Indonesian SKCK answer
    await _until(lambda: faq not in _sync_reply(server, ODD), within=240)  # the old behaviour


async def test_an_active_model_whose_file_is_gone_gives_way(project: Project) -> None:
    """Its file deleted by hand (or a models folder not kept), the active model blocks neither
    training nor serving: the current data's model is adopted (it ran after the rollback)."""
    [active] = [v for v in project.versions() if v["active"]]
    assert active["version"] == 1
    (project.folder / "models" / active["model"]).unlink()

    project.polres("nlu", "train")

    [adopted] = [v for v in project.versions() if v["active"]]
    assert adopted["version"] == 2
    assert adopted["activation_reason"] == "the model file of version 1 is gone"


def _sync_reply(server: Server, text: str) -> str:
    """One web chat turn from a fresh session (run in a thread)."""

    async def ask() -> str:
        async with aiohttp.ClientSession() as http:
            return await reply_to(http, server, f"probe-{time.monotonic_ns()}", text)

    return asyncio.run(ask())


async def _until(check: Any, within: float) -> None:
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, "the served model did not change in time"
        await asyncio.sleep(2)
