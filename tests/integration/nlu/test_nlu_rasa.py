"""The NLU adapter against the real Rasa server, trained on the project's own data."""

import asyncio
import os
from pathlib import Path

import pytest

from bot.core.errors import NluUnavailable
from bot.nlu.client import RasaClient
from bot.nlu.server import ManagedRasaServer

pytestmark = pytest.mark.rasa

CLEAR_MESSAGES = [
    ("bagaimana cara membuat SKCK", "faq_skck"),
    ("tolong ada maling masuk rumah saya sekarang", "emergency"),
    ("perpanjang SIM A yang sudah mati syaratnya apa", "faq_sim"),
    ("terima kasih", "thanks"),
    ("trus biayanya berapa ya?", "follow_up_question"),
]


@pytest.mark.parametrize(("text", "intent"), CLEAR_MESSAGES)
async def test_clear_messages_get_their_intent(rasa_url: str, text: str, intent: str) -> None:
    async with RasaClient(rasa_url) as client:
        parse = await client.parse(text)

    assert parse.intent == intent
    assert parse.ranking[0].name == intent
    assert parse.ranking[0].confidence == pytest.approx(parse.confidence)
    assert parse.confidence > 0.5
    assert parse.model_version


async def test_concurrent_parses_keep_their_order(rasa_url: str) -> None:
    texts = [text for text, _ in CLEAR_MESSAGES] * 5

    async with RasaClient(rasa_url) as client:
        parses = await asyncio.gather(*(client.parse(text) for text in texts))

    assert [parse.intent for parse in parses] == [intent for _, intent in CLEAR_MESSAGES] * 5


async def test_managed_server_lifecycle(
    rasa_executable: Path, rasa_model: Path, tmp_path: Path
) -> None:
    server = ManagedRasaServer(rasa_executable, rasa_model, tmp_path / "rasa.log")

    async with server, RasaClient(server.url) as client:
        pid = server.pid
        assert await client.ready()
        assert (await client.status())["model_file"] == rasa_model.name
        parse = await client.parse("bagaimana cara membuat SKCK")
        assert parse.intent == "faq_skck"
        assert parse.model_version == rasa_model.name.removesuffix(".tar.gz")

        await server.stop()
        with pytest.raises(NluUnavailable, match=f"Rasa at {server.url} is not reachable"):
            await client.parse("halo")

    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
