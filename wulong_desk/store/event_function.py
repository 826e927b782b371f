"""What an audited event of the office server is (`Event`): a PostgreSQL function owned by the
database owner that checks who calls it, locks the case (or project) row, does one audited
action and writes its own audit rows. The lists of events are `server_events.EVENTS` (a case's)
and `path_server_events.PATH_EVENTS` (the decision path's)."""

from __future__ import annotations

from dataclasses import dataclass

from wulong_desk.store.server_guards import FIGURES, FROZEN, PAYABLE, SIGNED, UNSIGNED

STAFF, REVIEWER, ADMIN = "staff", "reviewer", "admin"
@dataclass(frozen=True)
class Event:
    name: str                              # the function is wulong_<name>
    what: str                              # in words (messages, docs)
    params: tuple[tuple[str, str], ...]    # (name, SQL type) after p_case; the function's p_<name>
    who: str                               # STAFF (every staff login), REVIEWER or ADMIN
    reserves: tuple[tuple[str, str], ...]  # (action, entity) of audit rows only it writes; "*": any
    body: str
    returns: str = "void"
    declare: str = ""
    subject: str = "case"                  # case (p_case, row c) | project (p_project, row proj)

    @property
    def function(self) -> str:
        return f"wulong_{self.name}"

    @property
    def signature(self) -> str:
        return f"{self.function}({', '.join(['integer', *(t for _n, t in self.params)])})"

    def create_sql(self, schema: str) -> str:
        first = "p_project integer" if self.subject == "project" else "p_case integer"
        arguments = ", ".join([first, *(f"p_{n} {t}" for n, t in self.params)])
        check = {REVIEWER: f"PERFORM wulong_require_reviewer('{self.what}');",
                 ADMIN: f"PERFORM wulong_require_admin('{self.what}');"}.get(self.who, "")
        fetch = ("proj := wulong_project_for_change(p_project);" if self.subject == "project"
                 else "c := wulong_case_for_change(p_case);")
        body = self.body
        for key, value in PLACEHOLDERS.items():
            body = body.replace("{" + key + "}", value)
        return f"""CREATE OR REPLACE FUNCTION {self.function}({arguments}) RETURNS {self.returns}
           LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp
           AS $f$
           DECLARE
             c cases;
             proj projects;
             reason text;
             {self.declare}
           BEGIN
             {check}
             {fetch}
             {body}
           END $f$"""


PLACEHOLDERS = {
    "FROZEN": FROZEN, "SIGNED": SIGNED, "UNSIGNED": UNSIGNED, "PAYABLE": PAYABLE,
    "FIGURE_KEYS": "ARRAY[" + ", ".join(f"'{key}'" for key in FIGURES) + "]",
}
REFUSE = "USING ERRCODE = 'insufficient_privilege'"


def iso(day: str) -> str:
    """A DATE expression as the text the app writes for a day (YYYY-MM-DD), whatever the
    session's DateStyle: for messages, wording and audit rows (a date never becomes text by
    itself in a function's arguments, and a text never becomes a date column's value)."""
    return f"to_char({day}, 'YYYY-MM-DD')"
