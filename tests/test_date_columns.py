"""Dates are SQLAlchemy's `Date` (issue 30 item 4): every date attribute of every mapped model,
no date type of our own in the app. The historic IsoDate lives on only for the migrations up to
0012 (store/migration_types.py), which must replay exactly."""

from __future__ import annotations

import re
import typing
from datetime import date
from pathlib import Path

from sqlalchemy import Date
from sqlalchemy.types import TypeDecorator

import wulong_desk
from wulong_desk.store import migrate, types
from wulong_desk.store.models import Base
from wulong_desk.store.types import ExactDecimal

PACKAGE = Path(wulong_desk.__file__).resolve().parent


def _annotated_types(cls: type, key: str) -> set[object]:
    """The Python types an attribute's Mapped[...] annotation names (None aside)."""
    hint = typing.get_type_hints(cls)[key]
    [inner] = typing.get_args(hint)
    return {t for t in (typing.get_args(inner) or (inner,)) if t is not type(None)}


def test_every_date_attribute_of_every_model_is_sqlalchemys_date():
    dates, others = [], []
    for mapper in Base.registry.mappers:
        for attribute in mapper.column_attrs:
            [column] = attribute.columns
            name = f"{mapper.class_.__name__}.{attribute.key}"
            if date in _annotated_types(mapper.class_, attribute.key):
                dates.append(name)
                assert type(column.type) is Date, f"{name} is {column.type!r}, not Date"
            elif isinstance(column.type, Date):
                others.append(name)
    assert not others, f"Date columns not annotated as date: {others}"
    # (the 30 of revision 0012 at least: Case.signed_on … CaseDecision.move_by …)
    assert len(dates) >= 30 and {"Case.moved_on", "Payment.paid_on", "CaseDecision.move_by",
                                 "HousingUnit.handed_over_on"} <= set(dates)


def test_the_app_has_no_date_type_of_its_own():
    customs = {type(column.type) for table in Base.metadata.tables.values()
               for column in table.columns if isinstance(column.type, TypeDecorator)}
    assert customs == {ExactDecimal}
    assert not hasattr(types, "IsoDate")
    # the historic type is the old migrations' alone
    imports = re.compile(r"^\s*(from|import) wulong_desk\.store(\.migration_types\b| import .*"
                         r"\bmigration_types\b)", re.M)
    users = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if imports.search(path.read_text(encoding="utf-8")))
    assert users and all(user.startswith("store/migrations/versions/") for user in users)
    assert all(user.split("/")[-1][:4] <= "0012" for user in users)


def test_a_new_databases_dates_are_the_historic_text_columns_on_sqlite():
    """SQLite keeps what revisions ≤ 0012 made: VARCHAR(10) columns, which `Date` fills with the
    same ISO text (tests/test_dates_migration.py: the file is the same before and after 0013)."""
    from wulong_desk.store.backup_check import reference

    _objects, columns = reference(migrate.head_revision())
    declared = {(table, name): kind for table, rows in columns.items()
                for name, kind, _null, _pk in rows}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, Date):
                assert declared[(table.name, column.name)] == "VARCHAR(10)", column
