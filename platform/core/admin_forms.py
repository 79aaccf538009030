"""Shared by the county Wagtail admin's add and edit views that save through a service: their
save_instance() calls the service, and a refusal shows on the form (never a 500)."""

from core.errors import ApplicationError


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


class SavedByServiceMixin:
    """For a Wagtail CreateView/EditView whose save_instance() calls a service."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ApplicationError as error:
            return form_error(self, form, error)


def changed_values(form, allowed) -> dict:
    """What the operator changed on an edit form, among the fields the service accepts."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


class ServiceCreateMixin(SavedByServiceMixin):
    """A Wagtail CreateView that saves by calling `service(actor=<the user>, <field>=<value>
    for each of service_fields>)`. Declare `service = staticmethod(<entity>_create)`."""

    service = None
    service_fields: tuple[str, ...] = ()

    def save_instance(self):
        data = self.form.cleaned_data
        return self.service(
            actor=self.request.user, **{name: data[name] for name in self.service_fields}
        )


class ServiceEditMixin(SavedByServiceMixin):
    """A Wagtail EditView that saves by calling `service(actor=<the user>, <object_kwarg>=<the
    object>, **<what the operator changed among editable_fields>)`."""

    service = None
    object_kwarg = ""
    editable_fields: tuple[str, ...] = ()

    def save_instance(self):
        changes = changed_values(self.form, self.editable_fields)
        return self.service(actor=self.request.user, **{self.object_kwarg: self.object}, **changes)
