"""The one error hierarchy. Every error a user or operator can cause has a readable message."""


class PolresError(Exception):
    """Base of every expected error; `str(error)` is shown to the operator as one line."""


class ConfigError(PolresError):
    """A setting is missing, unknown or has a bad value."""


class ServiceUnavailable(PolresError):
    """A backing service (Rasa, database) cannot be reached."""


class NluUnavailable(ServiceUnavailable):
    """The Rasa server did not answer."""


class SchemaOutdated(PolresError):
    """The database schema is not at the version this code needs."""


class ContentError(PolresError):
    """data/ files (FAQ answers, texts, intent table) are missing or inconsistent."""


class InvalidInput(PolresError):
    """A request from outside (webhook, web chat) is malformed."""


class DeliveryError(PolresError):
    """A channel could not deliver an outbound message."""

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        unreachable: bool = False,
        parts_sent: int = 0,
    ) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.retry_after = retry_after
        # The citizen cannot be reached on this channel any more (e.g. blocked the bot).
        self.unreachable = unreachable
        # Parts of the message confirmed sent before it failed, earlier tries' included.
        self.parts_sent = parts_sent
