"""case identity and versions: a normalised case-number key (unique per project), a version id
per case, and the proposals from outside that wait for a reviewer

- cases.case_key: the case number after NFKC, case folding and removing invisible characters
  (wulong_desk/invisible.py), unique within a project. Cases whose numbers collide under it
  (ＦＲ-0001 and FR-0001) stop the upgrade before anything is changed: the database stays at
  its revision (and the backup made before the upgrade is kept); the message names them, and
  one of them is renumbered with the previous version of the program first.
- cases.version_id: NULL for every existing case (its version is still its content hash, so
  copies of one case on two computers still agree); each saved change from now on gets a fresh
  id (services/cases/changes.py).
- proposals: an empty table.

No stored figure changes: the calculation records are not touched.

Revision ID: 0009
Revises: 0007 (the lead re-chains it)
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from wulong_desk.errors import UserError
from wulong_desk.invisible import case_key

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def _keys() -> dict[int, str]:
    """Every case's key, or UserError naming the numbers that collide (nothing changed)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT c.id, c.project_id, c.case_no, p.name FROM cases c "
        "JOIN projects p ON p.id = c.project_id ORDER BY c.project_id, c.id")).all()
    groups: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    keys = {}
    for case_id, project_id, case_no, project in rows:
        key = case_key(case_no)
        keys[case_id] = key
        groups[(project_id, key)].append((case_no, project))
    clashes = [found for found in groups.values() if len(found) > 1]
    if clashes:
        told = "；".join(f"项目「{found[0][1]}」：" + "、".join(f"「{no}」" for no, _ in found)
                        for found in clashes[:10])
        raise UserError(
            "数据库未升级，保持原样：以下案卷编号只是写法不同（全角/半角、大小写或不可见字符），"
            f"在新版本中会被视为同一户：{told}。请先用升级前的版本把其中一户的案卷编号改为"
            "不同的编号（确属同一户的，核对后删除或作废多余的一户），再用本版本打开。")
    return keys


def upgrade() -> None:
    keys = _keys()
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_key", sa.String(length=100), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("version_id", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    if keys:
        conn.execute(sa.text("UPDATE cases SET case_key = :key WHERE id = :id"),
                     [{"key": key, "id": case_id} for case_id, key in keys.items()])
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_case_key_per_project", ["project_id", "case_key"])
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("case_uuid", sa.String(length=36), nullable=False),
        sa.Column("case_no", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("version_id", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.String(length=64), nullable=True),
        sa.Column("entry_json", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("figures_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_proposals_case", "proposals", ["case_uuid", "version_id"])
    op.create_index("ix_proposals_state", "proposals", ["state", "id"])


def downgrade() -> None:
    op.drop_index("ix_proposals_state", table_name="proposals")
    op.drop_index("ix_proposals_case", table_name="proposals")
    op.drop_table("proposals")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_case_key_per_project", type_="unique")
        batch_op.drop_column("version_id")
        batch_op.drop_column("case_key")
