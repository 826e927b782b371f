"""Build the bundle street-office PCs install, and prove it works before it ships.

    python3 build_installer.py     # build, self-test, checksum (sets up .venv first if need be)

1. PyInstaller makes a one-folder bundle of the app (dist/WulongDesk/) with resources/ (fonts
   and their licences, standard files, examples), forms/ and the Alembic migrations inside.
   Qt modules the app does not import are excluded; afterwards Qt plugins, libraries and
   translations nothing in the bundle needs (WebEngine, Quick/QML, Wayland, the virtual
   keyboard, …) are removed — never a library a kept file still links to.
2. The bundle's own executable runs `--self-test` offscreen and once more on a virtual X screen
   (xvfb-run) through Qt's xcb plugin; a failure fails the build, and so does a missing xvfb-run
   unless `--no-xcb` is given.
3. The size is checked against the target (190 MB unpacked on Linux); an archive of the bundle
   and SHA256SUMS (the archive and every file of the bundle) are written into dist/.
4. On Windows, when Inno Setup's ISCC is installed, a setup program is built as well (per-user
   install, Start-menu entry, the user's data left in place on upgrade and uninstall);
   otherwise the script writes the .iss file and says how to compile it.

Only the standard library is imported at the top: the decisions below (what to include, what to
drop, the checksum file, the Inno Setup script) are unit-tested without PyInstaller.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
APP = "WulongDesk"
DISPLAY_NAME = "武隆征收补偿案卷系统"
SIZE_LIMIT_MB = 190          # unpacked, on Linux (issue 8; +10 MB for psycopg, issue 18)
MB = 1_000_000

# Data carried into the bundle: (source under ROOT, destination inside the bundle)
DATA = (("resources", "resources"), ("forms", "forms"),
        ("wulong_desk/store/migrations", "wulong_desk/store/migrations"))
# Imported only by files PyInstaller does not analyse (the migration scripts, alembic's env.py)
# or by name at run time.
# The office server: SQLAlchemy's PostgreSQL dialect loads psycopg by name, and psycopg loads
# its binary implementation (psycopg_binary, with its own libpq) by name too.
HIDDEN_IMPORTS = ("alembic.context", "alembic.op", "alembic.ddl.sqlite",
                  "sqlalchemy.dialects.sqlite", "logging.handlers",
                  "alembic.ddl.postgresql", "sqlalchemy.dialects.postgresql",
                  "sqlalchemy.dialects.postgresql.psycopg", "psycopg", "psycopg_binary",
                  "psycopg_binary.pq", "psycopg_binary._psycopg", "keyring")
COLLECT_DATA = ("cn2an",)    # cn2an reads its config.yaml at import
# Every module of the app itself: the migrations are files alembic loads by path, so the
# modules they import (services.cases.revision3, services.cases.contract, …) are seen by no import
# scan.
COLLECT_SUBMODULES = ("wulong_desk",)
# Python packages never used at run time (test and build tools that may sit in the venv)
# Pillow's optional codecs and font engines: reportlab imports PIL.Image at start (so Pillow
# stays), but the app embeds no pictures, and these bring ~10 MB of libraries of their own.
EXCLUDE_PACKAGES = ("pytest", "_pytest", "pytestqt", "hypothesis", "ruff", "pypdf",
                    "PyInstaller", "tkinter", "IPython", "numpy", "matplotlib",
                    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin",
                    "PIL._imagingft", "PIL.ImageFont", "PIL._imagingcms", "PIL.ImageCms",
                    "PIL.ImageQt", "PIL.ImageTk", "PIL._imagingtk")

# Files removed from the built bundle (glob patterns on the path inside the bundle, "/"-separated,
# matched anywhere). Platform plugins: only the native ones and offscreen are kept.
DROP_PATTERNS = (
    "*/plugins/platforms/*wayland*", "*/plugins/platforms/*eglfs*",
    "*/plugins/platforms/*linuxfb*", "*/plugins/platforms/*vnc*",
    "*/plugins/platforms/*minimalegl*", "*/plugins/platforms/*vkkhrdisplay*",
    "*/plugins/platforms/*direct2d*", "*/plugins/platforms/*webgl*",
    "*/plugins/wayland-*", "*/plugins/egldeviceintegrations/*",
    "*/plugins/platforminputcontexts/*virtualkeyboard*",
    "*/plugins/qmltooling/*", "*/plugins/webview/*", "*/plugins/multimedia/*",
    "*/plugins/sqldrivers/*", "*/plugins/position/*", "*/plugins/sensors/*",
    "*/plugins/texttospeech/*", "*/plugins/geoservices/*", "*/plugins/sceneparsers/*",
    "*/plugins/renderers/*", "*/plugins/renderplugins/*", "*/plugins/assetimporters/*",
    "*/plugins/designer/*", "*/plugins/canbus/*", "*/plugins/scxmldatamodel/*",
    "*/plugins/tls/*", "*/plugins/networkinformation/*", "*/plugins/generic/*",
    "*/plugins/platformthemes/*gtk3*", "*/plugins/imageformats/*tiff*",
    "*/plugins/imageformats/*webp*", "*/plugins/imageformats/*icns*",
    "*/plugins/imageformats/*tga*", "*/plugins/imageformats/*wbmp*",
    "*/Qt6WebEngine*", "*/libQt6WebEngine*", "*/QtWebEngineProcess*",
    "*/Qt6Quick*", "*/libQt6Quick*", "*/Qt6Qml*", "*/libQt6Qml*",
    "*/Qt6VirtualKeyboard*", "*/libQt6VirtualKeyboard*",
    "*/Qt6Wayland*", "*/libQt6Wayland*", "*/Qt63D*", "*/libQt63D*",
    "*/Qt6Multimedia*", "*/libQt6Multimedia*", "*/Qt6Designer*", "*/libQt6Designer*",
    "*/qml/*", "*/resources/qtwebengine*",
)
# Qt's own translations: only the Chinese ones for the standard dialogs are kept.
KEEP_TRANSLATIONS = ("qtbase_zh_CN.qm", "qt_zh_CN.qm",
                     "wulong_qt_zh_CN.qm")  # the app's own supplement (resources/translations)


# ---------------------------------------------------------------- what goes in
def used_qt_modules(package: Path = ROOT / "wulong_desk") -> set[str]:
    """The PySide6 modules the app's source imports (e.g. {"QtCore", "QtWidgets"})."""
    used: set[str] = set()
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "PySide6" and len(parts) > 1 and parts[1].startswith("Qt"):
                    used.add(parts[1])
    return used


def installed_qt_modules() -> set[str]:
    """Every PySide6 module installed in this environment."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return set()
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = set()
    for path in folder.iterdir():
        name = path.name.split(".")[0]
        if name.startswith("Qt") and path.suffix in (".so", ".pyd"):
            found.add(name)
    return found


def excluded_modules(used: set[str], installed: set[str]) -> list[str]:
    qt = sorted(f"PySide6.{name}" for name in installed - used)
    return qt + list(EXCLUDE_PACKAGES)


def pyinstaller_args(work: Path, dist: Path, used: set[str], installed: set[str],
                     system: str = platform.system()) -> list[str]:
    sep = ";" if system == "Windows" else ":"
    args = ["--noconfirm", "--clean", "--onedir", "--name", APP,
            "--distpath", str(dist), "--workpath", str(work / "build"),
            "--specpath", str(work), "--log-level", "WARN"]
    if system in ("Windows", "Darwin"):
        args.append("--windowed")
    if system == "Linux":
        args.append("--strip")  # debug symbols off the shared libraries (libpython: 23 → 5 MB)
    icon = ROOT / "resources" / "icons" / ("wulong-desk.ico" if system == "Windows"
                                           else "wulong-desk.png")
    if icon.exists():
        args += ["--icon", str(icon)]
    for source, target in DATA:
        args += ["--add-data", f"{ROOT / source}{sep}{target}"]
    for name in HIDDEN_IMPORTS:
        args += ["--hidden-import", name]
    for name in COLLECT_DATA:
        args += ["--collect-data", name]
    for name in COLLECT_SUBMODULES:
        args += ["--collect-submodules", name]
    for name in excluded_modules(used, installed):
        args += ["--exclude-module", name]
    args.append(str(ROOT / "wulong_desk" / "__main__.py"))
    return args


# ---------------------------------------------------------------- what comes out
def relative(path: Path, bundle: Path) -> str:
    return path.relative_to(bundle).as_posix()


def should_drop(rel: str) -> bool:
    """Is this file of the bundle (path relative to it, "/"-separated) left out?"""
    probe = "/" + rel
    if "/translations/" in probe and probe.endswith(".qm"):
        return probe.rsplit("/", 1)[1] not in KEEP_TRANSLATIONS
    return any(fnmatch.fnmatch(probe, pattern) for pattern in DROP_PATTERNS)


def is_binary(path: Path) -> bool:
    return path.suffix.lower() in (".so", ".dll", ".pyd", ".dylib") or ".so." in path.name


def not_a_binary_errors() -> tuple[type[Exception], ...]:
    """What PyInstaller raises for a file that is not a binary at all (pefile's format error on
    Windows; on Linux ldd answers such a file with no libraries). Anything else it raises stops
    the build: a library it could not read might still be needed."""
    if platform.system() != "Windows":
        return ()
    import pefile

    return (pefile.PEFormatError,)


def linked_libraries(path: Path) -> set[str]:
    """The shared libraries a binary links to, directly or through others (lower-case file
    names; on Linux PyInstaller asks ldd, which answers the whole closure)."""
    from PyInstaller.depend.bindepend import get_imports

    try:
        found = get_imports(str(path))
    except not_a_binary_errors():  # not a binary: it links to nothing
        return set()
    names = (entry[0] if isinstance(entry, tuple) else entry for entry in found)
    return {Path(name).name.lower() for name in names if name}


def removable(files: list[Path], rel: dict[Path, str],
              links: dict[Path, set[str]]) -> set[Path]:
    """What should_drop() names, plus the libraries only those files needed (repeatedly), but
    never a library a kept file links to."""
    doomed = {p for p in files if should_drop(rel[p])}
    while True:
        kept = [p for p in files if p not in doomed]
        needed_by_kept = set().union(*(links.get(p, set()) for p in kept))
        rescued = {p for p in doomed if p.name.lower() in needed_by_kept}
        doomed -= rescued  # a kept file still links to it: removing it would break the bundle
        needed_by_doomed = set().union(*(links.get(p, set()) for p in doomed))
        orphans = {p for p in kept if p.name.lower() in needed_by_doomed
                   and p.name.lower() not in needed_by_kept and is_binary(p)}
        if not orphans and not rescued:
            return doomed
        doomed |= orphans


def prune(bundle: Path, links: dict[Path, set[str]] | None = None) -> list[str]:
    """Remove what nothing in the bundle needs. Returns the removed paths (relative)."""
    files = sorted(p for p in bundle.rglob("*") if p.is_file() or p.is_symlink())
    rel = {p: relative(p, bundle) for p in files}
    if links is None:
        links = {p: linked_libraries(p) for p in files if is_binary(p)}
    removed = []
    for path in sorted(removable(files, rel, links)):
        path.unlink()
        removed.append(rel[path])
    for folder in sorted((p for p in bundle.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def bundle_size(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(dist: Path, paths: Iterable[Path]) -> Path:
    """SHA256SUMS in dist/, in the format `sha256sum -c` reads (paths relative to dist/)."""
    lines = [f"{sha256(p)}  {p.relative_to(dist).as_posix()}\n"
             for p in sorted(paths) if p.is_file() and not p.is_symlink()]
    target = dist / "SHA256SUMS"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, target)
    return target


def archive_name(version: str, system: str = platform.system(),
                 machine: str = platform.machine()) -> str:
    suffix = "zip" if system == "Windows" else "tar.gz"
    return f"{APP}-{version}-{system.lower()}-{machine.lower()}.{suffix}"


def make_archive(bundle: Path, target: Path) -> Path:
    tmp = target.with_name(target.name + ".tmp")
    if target.name.endswith(".zip"):
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(bundle.rglob("*")):
                if path.is_file():
                    archive.write(path, Path(bundle.name) / path.relative_to(bundle))
    else:
        with tarfile.open(tmp, "w:gz") as archive:
            archive.add(bundle, arcname=bundle.name)
    os.replace(tmp, target)
    return target


def inno_script(version: str, bundle: Path, output: Path) -> str:
    """The Inno Setup script: a per-user install under Programs (never the data folder), a
    Start-menu entry, and the user's data (%LOCALAPPDATA%\\WulongDesk) left alone on upgrade
    and uninstall — the uninstaller removes only what it installed."""
    return f"""; Generated by build_installer.py — compile with ISCC.exe
[Setup]
AppId={{{{6B0F6C1E-2D3A-4C55-9E1B-57A0D9C2B7E1}}
AppName={DISPLAY_NAME}
AppVersion={version}
AppPublisher=Wulong Desk
DefaultDirName={{autopf}}\\Wulong Desk
DefaultGroupName={DISPLAY_NAME}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={output}
OutputBaseFilename={APP}-{version}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={DISPLAY_NAME}
UninstallDisplayIcon={{app}}\\{APP}.exe
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\\ChineseSimplified.isl"

[Files]
Source: "{bundle}\\*"; DestDir: "{{app}}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; an upgrade replaces the program files only; the data folder is never listed here
Type: filesandordirs; Name: "{{app}}\\_internal"

[Icons]
Name: "{{group}}\\{DISPLAY_NAME}"; Filename: "{{app}}\\{APP}.exe"
Name: "{{group}}\\卸载 {DISPLAY_NAME}"; Filename: "{{uninstallexe}}"

[Run]
Filename: "{{app}}\\{APP}.exe"; Description: "启动{DISPLAY_NAME}"; \
Flags: nowait postinstall skipifsilent
"""


# ---------------------------------------------------------------- steps
def say(text: str) -> None:
    print(f"[build] {text}", flush=True)


def app_version() -> str:
    text = (ROOT / "wulong_desk" / "__init__.py").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("build: __version__ not found in wulong_desk/__init__.py")


def executable(bundle: Path) -> Path:
    return bundle / (f"{APP}.exe" if platform.system() == "Windows" else APP)


def wants_xcb(no_xcb: bool, system: str = platform.system()) -> bool:
    """The second self-test on a virtual X screen: on Linux, unless told --no-xcb (Windows and
    macOS have no X screen to test on)."""
    return system == "Linux" and not no_xcb


def self_test(bundle: Path, xcb: bool) -> None:
    """The bundle's self-test offscreen, then (xcb) on a virtual X screen; without xvfb-run
    the build fails rather than drop the second run silently."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("WULONG_DESK_HOME", None)
    command = [str(executable(bundle)), "--self-test", "--no-crash-dialog"]
    runs = [("offscreen", command, env)]
    if xcb and not shutil.which("xvfb-run"):
        raise SystemExit("build failed: xvfb-run is not installed, so the bundle cannot be "
                         "self-tested on an X screen; install Xvfb (`bash .ci/setup --test`) "
                         "or pass --no-xcb to skip that run")
    if xcb:
        runs.append(("xcb on a virtual X screen",
                     ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", *command],
                     dict(env, QT_QPA_PLATFORM="xcb")))
    for label, cmd, run_env in runs:
        say(f"self-test ({label}) …")
        proc = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=600)
        for line in proc.stdout.splitlines():
            print(f"    {line}")
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"build failed: the bundle's self-test ({label}) exited "
                             f"{proc.returncode}")


def inno_setup(version: str, bundle: Path, dist: Path) -> None:
    script = dist / f"{APP}.iss"
    script.write_text(inno_script(version, bundle.resolve(), dist.resolve()), encoding="utf-8")
    compiler = shutil.which("iscc") or shutil.which("ISCC") or next(
        (str(p) for p in (Path(os.environ.get("ProgramFiles(x86)", "")) / "Inno Setup 6"
                          / "ISCC.exe",) if p.exists()), None)
    if compiler is None:
        say(f"Inno Setup not found: wrote {script}; install Inno Setup 6 and run "
            f'"ISCC.exe {script.name}" in {dist} to make the setup program')
        return
    subprocess.run([compiler, str(script)], check=True)
    say(f"setup program: {dist / (APP + '-' + version + '-setup.exe')}")


def build(args: argparse.Namespace) -> int:
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        print("build: PyInstaller is not installed in this environment. Run "
              "`bash .ci/setup --test` (or `pip install -e .[build]`) first, then "
              "`.venv/bin/python build_installer.py`.", file=sys.stderr)
        return 2
    started = time.monotonic()
    dist: Path = args.dist.resolve()
    work = ROOT / "build" / "pyinstaller"
    bundle = dist / APP
    version = app_version()
    used, installed = used_qt_modules(), installed_qt_modules()
    say(f"Qt modules used: {', '.join(sorted(used))}; {len(installed - used)} others excluded")
    pyinstaller.run(pyinstaller_args(work, dist, used, installed))
    before = bundle_size(bundle)
    removed = prune(bundle)
    after = bundle_size(bundle)
    say(f"pruned {len(removed)} files nothing needs: {before / MB:.1f} MB → {after / MB:.1f} MB")
    if not args.skip_self_test:
        self_test(bundle, xcb=wants_xcb(args.no_xcb))
    limit = SIZE_LIMIT_MB * MB
    if platform.system() == "Linux" and after > limit:
        raise SystemExit(f"build failed: the bundle is {after / MB:.1f} MB, over the "
                         f"{SIZE_LIMIT_MB} MB target")
    archive = make_archive(bundle, dist / archive_name(version))
    sums = write_checksums(dist, [archive, *bundle.rglob("*")])
    say(f"bundle: {bundle} ({after / MB:.1f} MB unpacked, target ≤ {SIZE_LIMIT_MB} MB)")
    say(f"archive: {archive.name} ({archive.stat().st_size / MB:.1f} MB); checksums: {sums}")
    if platform.system() == "Windows":
        inno_setup(version, bundle, dist)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


def project_python() -> Path:
    return ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _has_build_tools(python: Path) -> bool:
    probe = "import PyInstaller, PySide6, sqlalchemy, wulong_desk"
    return python.exists() and subprocess.run([str(python), "-c", probe],
                                              capture_output=True).returncode == 0


def ensure_environment(argv: list[str]) -> int | None:
    """`python build_installer.py` from any Python: when this one lacks the app or PyInstaller,
    set up the project's .venv (.ci/setup --test on Linux, venv + pip elsewhere) and run
    again from it. Returns the exit code of that run, or None to build here."""
    import importlib.util

    venv = project_python()
    needed = ("PyInstaller", "PySide6", "sqlalchemy", "openpyxl", "reportlab")
    if all(importlib.util.find_spec(name) for name in needed):
        return None
    if Path(sys.executable).resolve() == venv.resolve():
        return None  # the project's own environment: build() says what is missing
    if not _has_build_tools(venv):
        say("setting up the project's environment (.venv) first …")
        if os.name == "nt":
            subprocess.run([sys.executable, "-m", "venv", str(ROOT / ".venv")], check=True)
            subprocess.run([str(venv), "-m", "pip", "install", "-e", f"{ROOT}[test,build]"],
                           check=True)
        else:
            subprocess.run(["bash", str(ROOT / ".ci" / "setup"), "--test"], check=True)
    return subprocess.run([str(venv), str(ROOT / "build_installer.py"), *argv]).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rerun = ensure_environment(argv)
    if rerun is not None:
        return rerun
    parser = argparse.ArgumentParser(description="Build the Wulong Desk bundle and prove it works.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--skip-self-test", action="store_true",
                        help="do not run the bundle's self-test (never for a release)")
    parser.add_argument("--no-xcb", action="store_true",
                        help="skip the second self-test on a virtual X screen (without it, "
                             "a missing xvfb-run fails the build)")
    return build(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
