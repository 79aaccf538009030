"""Shared by the county Wagtail admin's add and edit views that save through a service."""

from config.errors import ApplicationError


def form_error(view, form, error: ApplicationError):
    """The form again with the service's refusal: on its field when the form shows that
    field, else at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
    # What Wagtail's is_valid() sets for a form that fails validation, and form_invalid()
    # reads: the "could not be saved" banner (AttributeError without it, Wagtail 8).
    view.produced_error_code = "validation_error"
    view.produced_error_message = view.get_error_message()
    return view.form_invalid(form)
