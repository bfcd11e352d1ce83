"""Alembic environment: migrates the connection bot.storage.schema opened on the async engine."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from bot.storage.models import Base, UTCDateTime


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes plain SQLAlchemy types: migrations must not import the models."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.storage.schema (`polres db upgrade`)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
