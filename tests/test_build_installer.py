"""build_installer.py's own logic: what goes into the bundle, what is left out (and what never
is, because a kept file links to it), the checksum file, the archive, the Windows setup script,
the self-test runs. The bundle itself is built and self-tested by .ci/run's second stage: these
tests never run apt, pip, .ci/setup or PyInstaller (an autouse guard fails any that tries)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import types
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


b = _load()


class Forbidden(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_real_build(monkeypatch):
    """Only sha256sum may run as a process here; PyInstaller's build entry is a stub that fails.
    A test that needs another process stubs subprocess.run itself."""
    real_run = subprocess.run

    def guarded(cmd, *args, **kwargs):
        if [str(part) for part in cmd][:1] == ["sha256sum"]:
            return real_run(cmd, *args, **kwargs)
        raise Forbidden(f"a unit test tried to run {cmd}")

    def no_pyinstaller(*args, **kwargs):
        raise Forbidden("a unit test tried to run PyInstaller")

    fake = types.ModuleType("PyInstaller.__main__")
    fake.run = no_pyinstaller
    monkeypatch.setattr(subprocess, "run", guarded)
    monkeypatch.setitem(sys.modules, "PyInstaller.__main__", fake)


def test_the_qt_modules_the_app_imports_are_found_in_its_source():
    used = b.used_qt_modules()
    assert {"QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPdf", "QtPdfWidgets",
            "QtPrintSupport"} <= used
    assert not used & {"QtWebEngineCore", "QtQuick", "QtQml", "QtNetwork"}


def test_unused_qt_modules_and_tools_are_excluded(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("from PySide6 import QtCore\nimport PySide6.QtGui\n"
                              "from PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    used = b.used_qt_modules(pkg)
    assert used == {"QtCore", "QtGui", "QtWidgets"}
    installed = {"QtCore", "QtGui", "QtWidgets", "QtWebEngineCore", "QtQuick", "QtQml"}
    excluded = b.excluded_modules(used, installed)
    assert {"PySide6.QtWebEngineCore", "PySide6.QtQuick", "PySide6.QtQml"} <= set(excluded)
    assert not {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"} & set(excluded)
    assert {"pytest", "hypothesis", "PyInstaller"} <= set(excluded)


@pytest.mark.parametrize(("system", "sep"), [("Linux", ":"), ("Windows", ";")])
def test_pyinstaller_arguments_carry_resources_forms_and_migrations(tmp_path, system, sep):
    args = b.pyinstaller_args(tmp_path, tmp_path / "dist", {"QtCore"}, {"QtCore", "QtQuick"},
                              system=system)
    data = [args[i + 1] for i, a in enumerate(args) if a == "--add-data"]
    assert data == [f"{ROOT / 'resources'}{sep}resources", f"{ROOT / 'forms'}{sep}forms",
                    f"{ROOT / 'wulong_desk/store/migrations'}{sep}wulong_desk/store/migrations"]
    hidden = {args[i + 1] for i, a in enumerate(args) if a == "--hidden-import"}
    assert {"alembic.op", "alembic.context", "sqlalchemy.dialects.sqlite"} <= hidden
    # the migrations' own imports (services.cases.revision3 for 0010) reach the bundle
    assert "wulong_desk" in {args[i + 1] for i, a in enumerate(args)
                             if a == "--collect-submodules"}
    assert "PySide6.QtQuick" in {args[i + 1] for i, a in enumerate(args)
                                 if a == "--exclude-module"}
    assert ("--windowed" in args) == (system == "Windows")
    assert ("--strip" in args) == (system == "Linux")
    assert args[-1].endswith("__main__.py") and args[args.index("--name") + 1] == "WulongDesk"


@pytest.mark.parametrize(("rel", "dropped"), [
    ("_internal/PySide6/Qt/plugins/platforms/libqwayland-egl.so", True),
    ("_internal/PySide6/Qt/plugins/platforms/libqeglfs.so", True),
    ("_internal/PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("_internal/PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", True),
    ("_internal/PySide6/Qt/lib/libQt6Quick.so.6", True),
    ("_internal/PySide6/Qt/lib/libQt6Qml.so.6", True),
    ("_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6", True),
    ("_internal/PySide6/Qt/translations/qtbase_de.qm", True),
    ("_internal/PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("_internal/PySide6/Qt/plugins/platforms/qwindows.dll", False),
    ("_internal/PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
     False),
    ("_internal/PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", False),
    ("_internal/PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
    ("_internal/PySide6/Qt/translations/qtbase_zh_CN.qm", False),
    ("_internal/PySide6/Qt/lib/libQt6Pdf.so.6", False),
    ("_internal/PySide6/Qt/lib/libQt6Charts.so.6", False),
    ("_internal/resources/fonts/wqy-microhei.ttc", False),
    ("_internal/resources/translations/wulong_qt_zh_CN.qm", False),
    ("_internal/resources/templates/协议条款.txt", False),
    ("_internal/wulong_desk/store/migrations/versions/0001_initial_schema.py", False),
])
def test_what_is_left_out(rel, dropped):
    assert b.should_drop(rel) is dropped


def _tree(root: Path, names: list[str]) -> dict[str, Path]:
    made = {}
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x7fELF" + name.encode())
        made[name] = path
    return made


def test_pruning_follows_links_and_never_breaks_a_kept_file(tmp_path):
    f = _tree(tmp_path, [
        "app", "libQt6Gui.so.6",
        "plugins/platforms/libqwayland-egl.so",      # dropped by pattern
        "libQt6WaylandClient.so.6",                  # only the wayland plugin needs it
        "libwayland-client.so.0",                    # only that library needs it
        "libshared.so.1",                            # needed by the plugin and by a kept lib
        "plugins/platforms/libqeglfs.so",            # dropped by pattern, but…
        "libQt6Quick.so.6",                          # …pattern-matched yet linked by app
    ])
    links = {
        f["app"]: {"libqt6gui.so.6", "libqt6quick.so.6"},
        f["libQt6Gui.so.6"]: {"libshared.so.1"},
        f["plugins/platforms/libqwayland-egl.so"]: {"libqt6waylandclient.so.6",
                                                    "libwayland-client.so.0",
                                                    "libshared.so.1"},
        f["libQt6WaylandClient.so.6"]: {"libwayland-client.so.0"},
        f["plugins/platforms/libqeglfs.so"]: set(),
    }
    removed = b.prune(tmp_path, links)
    assert sorted(removed) == ["libQt6WaylandClient.so.6", "libwayland-client.so.0",
                               "plugins/platforms/libqeglfs.so",
                               "plugins/platforms/libqwayland-egl.so"]
    assert f["libQt6Quick.so.6"].exists() and f["libshared.so.1"].exists()
    assert not (tmp_path / "plugins").exists()  # emptied folders go too


def test_checksums_are_what_sha256sum_checks(tmp_path):
    bundle = tmp_path / "WulongDesk"
    files = _tree(bundle, ["WulongDesk", "_internal/resources/a.toml", "_internal/b c.so"])
    archive = b.make_archive(bundle, tmp_path / "WulongDesk-0.1.0-linux-x86_64.tar.gz")
    sums = b.write_checksums(tmp_path, [archive, *files.values()])
    lines = sums.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and all(len(line.split("  ")[0]) == 64 for line in lines)
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        files["_internal/resources/a.toml"].write_text("changed", encoding="utf-8")
        assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path,
                              capture_output=True).returncode == 1
    with tarfile.open(archive) as tar:
        assert "WulongDesk/_internal/b c.so" in tar.getnames()


def test_windows_archive_is_a_zip(tmp_path):
    bundle = tmp_path / "WulongDesk"
    _tree(bundle, ["WulongDesk.exe", "_internal/x.dll"])
    name = b.archive_name("0.1.0", system="Windows", machine="AMD64")
    assert name == "WulongDesk-0.1.0-windows-amd64.zip"
    archive = b.make_archive(bundle, tmp_path / name)
    assert sorted(zipfile.ZipFile(archive).namelist()) == ["WulongDesk/WulongDesk.exe",
                                                          "WulongDesk/_internal/x.dll"]


def test_the_setup_script_installs_per_user_and_leaves_the_data_alone(tmp_path):
    script = b.inno_script("0.1.0", Path(r"C:\build\dist\WulongDesk"), Path(r"C:\build\dist"))
    assert "PrivilegesRequired=lowest" in script
    assert r"DefaultDirName={autopf}\Wulong Desk" in script
    assert r'Name: "{group}\武隆征收补偿案卷系统"; Filename: "{app}\WulongDesk.exe"' in script
    assert "ChineseSimplified.isl" in script
    # the data folder (%LOCALAPPDATA%\WulongDesk, platformdirs) is never named for deletion
    assert "[UninstallDelete]" not in script and "localappdata" not in script.lower()
    assert script.count("AppId=") == 1


def test_without_pyinstaller_the_build_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "PyInstaller.__main__", None)
    monkeypatch.setitem(sys.modules, "PyInstaller", None)
    assert b.main([]) == 2
    assert ".ci/setup --test" in capsys.readouterr().err


def test_from_another_python_the_build_sets_up_and_reruns_in_the_project_env(monkeypatch):
    import importlib.util

    calls: list[list[str]] = []

    def run(cmd, **kwargs):
        calls.append([str(c) for c in cmd])
        return types.SimpleNamespace(returncode=0 if "-c" in cmd else 7)

    monkeypatch.setattr(sys, "executable", "/usr/bin/python3")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(b.subprocess, "run", run)
    monkeypatch.setattr(b, "project_python", lambda: ROOT / ".venv" / "bin" / "python")
    monkeypatch.setattr(Path, "exists", lambda self: True)
    assert b.ensure_environment(["--no-xcb"]) == 7  # the rerun's own exit code
    assert calls[-1] == [str(ROOT / ".venv/bin/python"), str(ROOT / "build_installer.py"),
                         "--no-xcb"]


def _record_runs(monkeypatch, returncode=0):
    runs: list[tuple[list[str], str]] = []

    def run(cmd, env=None, **kwargs):
        runs.append(([str(c) for c in cmd], (env or {}).get("QT_QPA_PLATFORM", "")))
        return types.SimpleNamespace(returncode=returncode, stdout="ok\n", stderr="boom")

    monkeypatch.setattr(b.subprocess, "run", run)
    return runs


def test_the_self_test_runs_offscreen_and_on_a_virtual_x_screen(tmp_path, monkeypatch):
    runs = _record_runs(monkeypatch)
    monkeypatch.setattr(b.shutil, "which", lambda name: f"/usr/bin/{name}")
    b.self_test(tmp_path, xcb=True)
    assert [platform for _, platform in runs] == ["offscreen", "xcb"]
    assert runs[1][0][0] == "xvfb-run" and "--self-test" in runs[1][0]


def test_without_xvfb_the_build_fails_unless_told_no_xcb(tmp_path, monkeypatch):
    runs = _record_runs(monkeypatch)
    monkeypatch.setattr(b.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"xvfb-run is not installed.*--no-xcb"):
        b.self_test(tmp_path, xcb=True)
    assert runs == []  # it says so before running anything
    b.self_test(tmp_path, xcb=False)
    assert [platform for _, platform in runs] == ["offscreen"]


@pytest.mark.parametrize(("no_xcb", "system", "wanted"), [
    (False, "Linux", True), (True, "Linux", False), (False, "Windows", False),
    (False, "Darwin", False)])
def test_the_x_screen_self_test_is_run_on_linux_unless_told_no_xcb(no_xcb, system, wanted):
    assert b.wants_xcb(no_xcb, system) is wanted


def test_a_failing_self_test_fails_the_build(tmp_path, monkeypatch):
    _record_runs(monkeypatch, returncode=1)
    with pytest.raises(SystemExit, match="self-test \\(offscreen\\) exited 1"):
        b.self_test(tmp_path, xcb=False)


def test_a_library_pyinstaller_cannot_read_stops_the_build(monkeypatch, tmp_path):
    """Pruning must not take "could not read it" for "links to nothing": only a file that is
    not a binary at all (on Windows, pefile's format error) links to nothing."""
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")

    def get_imports(path):
        raise RuntimeError("ldd crashed")

    bindepend.get_imports = get_imports
    monkeypatch.setitem(sys.modules, "PyInstaller.depend.bindepend", bindepend)
    monkeypatch.setattr(b.platform, "system", lambda: "Linux")
    with pytest.raises(RuntimeError, match="ldd crashed"):
        b.linked_libraries(tmp_path / "libx.so")


def test_the_real_build_stays_in_cis_second_stage():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in run if line and not line.startswith("#")]
    assert commands[-2:] == ["bash .ci/setup --test && .venv/bin/python -m pytest",
                             ".venv/bin/python build_installer.py"]


def test_every_code_folder_is_a_package_so_the_bundle_collects_it():
    # PyInstaller's collect_submodules walks packages only: a folder without __init__.py
    # (a namespace package) is skipped, and a module only the migrations import goes missing.
    code = ROOT / "wulong_desk"
    migrations = code / "store" / "migrations"
    folders = {p.parent for p in code.rglob("*.py")
               if migrations not in p.parents and "__pycache__" not in p.parts}
    assert [f for f in sorted(folders) if not (f / "__init__.py").exists()] == []
