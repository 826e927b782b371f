"""What the office server's refusals and failures are called: its roles in Chinese, an address
as it may be shown (never with a password), a failed connection in a sentence, and a refused
statement as `ForbiddenError` — for the store (database.py) and the server's setup (server.py)."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from wulong_desk.errors import ServerUnreachableError, UserError

ROLES = ("clerk", "reviewer", "admin")
ROLE_LABELS = {"clerk": "经办人员", "reviewer": "审核人员", "admin": "管理员",
               "owner": "数据库所有者"}
def display(address: str) -> str:
    """The address as it may be shown or logged: never with a password."""
    try:
        url = make_url(address.strip())
    except Exception:
        return "（无法识别的地址）"
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=True)


def connect_message(exc: BaseException, address: str) -> str:
    text_ = str(getattr(exc, "orig", exc)).lower()
    where = display(address)
    if "password authentication failed" in text_ or "no password supplied" in text_:
        return f"办公室服务器拒绝登录（{where}）：用户名或密码不对"
    if "does not exist" in text_ and "database" in text_:
        return f"办公室服务器上没有这个数据库（{where}），请检查地址或请管理员先运行 server init"
    if "permission denied for database" in text_:
        return (f"这个登录不能连接办公室服务器上的这个数据库（{where}）：请核对数据库名；工作人员"
                "的登录由负责电脑的同事用 server add-user 为每个数据库分别添加")
    if "pg_hba.conf" in text_:
        return (f"办公室服务器不允许这台电脑登录（{where}）：请管理员在 pg_hba.conf 中放行"
                "办公室网段")
    return (f"无法连接办公室服务器（{where}）：服务器没有响应或地址不对。"
            "本机的数据没有任何改动；请检查网络和地址后重试")


class ForbiddenError(UserError):
    """The server refused a change this login may not make (the database's own rule)."""


def server_error(exc: DBAPIError, where: str) -> Exception:
    """What to tell the user about a statement the server refused (or a lost connection:
    ServerUnreachableError, the message `connect_message`'s)."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or ""
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(orig or exc)
    if state == "42501":   # insufficient_privilege: a grant or one of our guards
        if "permission denied" in primary:
            return ForbiddenError(f"服务器拒绝了这项修改：当前登录没有这项权限（{primary}）。"
                                  "未保存任何修改")
        return ForbiddenError(f"服务器拒绝了这项修改：{primary}。未保存任何修改")
    if isinstance(exc, OperationalError) or state.startswith("08"):
        return ServerUnreachableError(connect_message(exc, where))
    return exc
