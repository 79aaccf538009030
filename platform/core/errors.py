"""The one exception type services raise for a refusal the user should read."""

from django.core.exceptions import ValidationError


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


def full_clean_or_refuse(instance, **kwargs) -> None:
    """full_clean(), turning the first model error into an ApplicationError on its field."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            field, errors = next(iter(error.error_dict.items()))
            raise ApplicationError(errors[0].messages[0], field=field) from error
        raise ApplicationError(error.messages[0]) from error
