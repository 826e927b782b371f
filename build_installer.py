"""Builds the installer bundle for street-office PCs.

Not built yet: the PyInstaller bundle, its self-test and checksums arrive with the installer
issue. Until then this script says so and fails, rather than pretending to produce anything.
"""

from __future__ import annotations

import sys


def main() -> int:
    print("build_installer.py：安装包构建尚未实现（installer not built yet）。"
          "请先用 README 中的命令在本机运行。", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
