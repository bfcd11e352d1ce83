"""Fixtures for the pipeline tests."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.core.content import Content, IntentTable
from bot.core.router import NluRules
from tests.unit.core.pipeline_fakes import Chat, make_chat


@pytest.fixture
def chat(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> Chat:
    return make_chat(content, intents, nlu_rules, priorities)


@pytest.fixture
def english_chat(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> Chat:
    return make_chat(content, intents, nlu_rules, priorities, language="en")
