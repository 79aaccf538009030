"""The one exception type services raise for a refusal the user should read."""


class ApplicationError(Exception):
    """A refusal with a message for the user (translatable, in their language).

    Views turn it into a 4xx with the message; commands print it on one line and exit 1.
    """

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
