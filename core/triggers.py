"""Database triggers declared beside the models (django-pgtrigger), for rows that must never change
whoever writes: append-only logs and issued documents. Each keeps a message a person can act on."""

import pgtrigger


class AppendOnly(pgtrigger.Protect):
    """Rows may be added, never changed or deleted."""

    def __init__(self, *, name: str, what: str):
        self.what = what
        super().__init__(name=name, operation=pgtrigger.Update | pgtrigger.Delete)

    def get_func(self, model):
        return self.format_sql(f"RAISE EXCEPTION '{self.what} is append-only: % refused', TG_OP;")


class Frozen(pgtrigger.ReadOnly):
    """The listed fields never change once the row exists; `message` may name the row with %."""

    def __init__(self, *, name: str, fields: list[str], message: str, label_field: str):
        self.message = message
        self.label_field = label_field
        super().__init__(name=name, fields=fields)

    def get_func(self, model):
        return self.format_sql(f"RAISE EXCEPTION '{self.message}', OLD.{self.label_field};")
