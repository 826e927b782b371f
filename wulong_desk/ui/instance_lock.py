"""One app instance per database: the lock itself is Qt-free (wulong_desk.instance_lock), so
the command line honours it too."""

from __future__ import annotations

from wulong_desk.instance_lock import InstanceLock, acquire, lock_path

__all__ = ["InstanceLock", "acquire", "lock_path"]
