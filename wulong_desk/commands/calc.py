"""`wulong-desk calc FILE.json` — the calculation contract on the command line.

Numbers are read exactly: JSON numbers are kept as their decimal text (never a float) and turned
into Decimal by the engine's reader. A large batch is shared out over the machine's cores in
slices; each slice's results are written straight to JSON text (Breakdown.to_json_text), encoded
where they were made, and the pieces are copied out in input order.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from wulong_desk.errors import InputError, Problem, UsageError

if TYPE_CHECKING:
    from wulong_desk.rules.inputs import ProjectMemo
    from wulong_desk.rules.standard import StandardSet

# (The engine and multiprocessing are imported by the functions that use them: see _engine.)

# below these a second process costs more than it saves (measured here: forked, two processes
# were faster from 400 households on; spawned on Linux, only from some 7,000)
PARALLEL_FROM = 400
PARALLEL_FROM_SPAWNED = 8000
SLICE = 400  # households a process takes at a time from a shared batch (~0.1 s of work) …
MIN_SLICE = 100  # … or fewer, down to this, so that a smaller batch makes some 4 a process
COLLECT_EVERY = 50_000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("calc", help="按标准计算一户或一批案卷（JSON 输入输出）")
    parser.add_argument("file", help="输入 JSON 文件，- 表示标准输入")
    parser.set_defaults(run=run)


def load_json_text(text: str) -> Any:
    """Parse JSON exactly (decimal numbers kept as text); text that cannot be read is an
    InputError line."""
    from wulong_desk.exact_json import JsonTextError, parse_exact

    try:
        return parse_exact(text)
    except JsonTextError as exc:
        raise InputError([Problem("$", str(exc))]) from exc


def calculate_one(raw: Any, standards: StandardSet, memo: ProjectMemo | None = None
                  ) -> dict[str, Any]:
    compute, read_request = _engine()[:2]
    options, case, standard = read_request(raw, standards, memo)
    return compute(case, options, standard).to_json()


def _engine() -> tuple[Any, Any, Any, Any]:
    """compute, read_request, ProjectMemo and default_standards, imported when a calculation
    runs (every command, the desktop app included, builds this command's parser at start)."""
    from wulong_desk.rules.compute import compute
    from wulong_desk.rules.inputs import ProjectMemo, read_request
    from wulong_desk.rules.standard import default_standards

    return compute, read_request, ProjectMemo, default_standards


def _chunk(items: list[Any], start: int) -> tuple[bytes, list[Problem]]:
    """Compute a slice of a batch; results as compact JSON (UTF-8), problems indexed.

    Each result is turned into text at once, so only strings pile up; the slice is encoded
    here, in parallel, so the parent only copies bytes out. The cyclic garbage collector is
    paused meanwhile: the engine makes no reference cycles (reference counting frees
    everything), and its passes over the batch's long-lived input, not the arithmetic, were a
    quarter of the cost. It runs once every COLLECT_EVERY households, as a safety net.
    """
    compute, read_request, ProjectMemo, default_standards = _engine()
    paused = gc.isenabled()
    gc.disable()
    standards = default_standards()
    memo = ProjectMemo()
    texts: list[str] = []
    problems: list[Problem] = []
    for offset, item in enumerate(items):
        try:
            options, case, standard = read_request(item, standards, memo)
        except InputError as exc:
            problems.extend(exc.prefixed(f"[{start + offset}].").problems)
            continue
        if not problems:
            texts.append(compute(case, options, standard).to_json_text())
        if offset % COLLECT_EVERY == COLLECT_EVERY - 1:
            gc.collect()
    if paused:
        gc.enable()
    return (b"" if problems else ", ".join(texts).encode("utf-8")), problems


_INHERITED: list[Any] = []  # the batch being shared out, as a forked worker inherits it


def _slices(count: int, size: int) -> list[tuple[int, int]]:
    """(start, end) of each slice of a batch, in order."""
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _slice_size(count: int, workers: int) -> int:
    """Households a slice holds: small enough that every process gets several, so that all
    finish close together, large enough that taking one costs nothing to speak of."""
    return max(MIN_SLICE, min(SLICE, count // (4 * workers)))


class _Untaken:
    """Which slices of a shared batch no process has taken yet: always a run first..last,
    kept in shared memory. Workers take from the front, the parent from the back."""

    def __init__(self, context: Any, count: int) -> None:
        self._lock = context.Lock()
        self._ends = context.RawArray("i", [0, count])  # [first untaken, one past the last]

    def front(self) -> int | None:
        with self._lock:
            first, end = self._ends
            if first >= end:
                return None
            self._ends[0] = first + 1
            return first

    def back(self) -> int | None:
        with self._lock:
            first, end = self._ends
            if first >= end:
                return None
            self._ends[1] = end - 1
            return end - 1


def _worker(untaken: _Untaken, items: list[Any] | None, count: int, size: int,
            results: Any) -> None:
    """A worker process: slices from the front until none is left, then all its results
    through the pipe at once. (Forked, it reads the batch from the memory it inherited.)"""
    try:
        batch = _INHERITED if items is None else items
        bounds = _slices(count, size)
        done = []
        while (index := untaken.front()) is not None:
            start, end = bounds[index]
            done.append((index, *_chunk(batch[start:end], start)))
        results.send(done)
    except BaseException as exc:  # told to the parent, which reports it
        with contextlib.suppress(OSError):  # (unless the parent is gone)
            results.send(f"{type(exc).__name__}: {exc}")
    finally:
        results.close()


def calculate_batch(items: list[Any], workers: int | None = None) -> list[bytes]:
    """A batch → its results' JSON in UTF-8 pieces, in input order (written one after the
    other they make the array). Raises InputError with every problem found, before anything
    is written.

    A large batch is cut into slices shared between the parent and worker processes: the
    workers take slices from the front, the parent from the back, each through a counter in
    shared memory. So whoever is faster does more, all finish within a slice of each other,
    and nothing waits on a thread of the parent's while it computes (a process pool's did:
    its results and next tasks were moved only when the parent let go of the interpreter,
    which left a worker idle half the time). Where processes fork (Linux) a worker finds the
    batch in the memory it inherited; elsewhere the batch is sent to it once."""
    workers = workers or (os.cpu_count() or 1)
    least = PARALLEL_FROM if _start_method() == "fork" else PARALLEL_FROM_SPAWNED
    if len(items) < least or workers < 2:
        pieces = [_chunk(items, 0)]
    else:
        pieces = _shared(items, workers)
    problems = [problem for _, found in pieces for problem in found]
    if problems:
        raise InputError(problems)
    texts = [text for text, _ in pieces if text]
    return [b"[", *(piece for i, text in enumerate(texts)
                    for piece in ((b", ", text) if i else (text,))), b"]"]


def _start_method() -> str:
    """How worker processes start here: forked on Linux (cheap, and the batch is inherited),
    spawned elsewhere (a new interpreter that imports the engine and is sent the batch)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _shared(items: list[Any], workers: int, method: str | None = None
            ) -> list[tuple[bytes, list[Problem]]]:
    """calculate_batch's slices computed by this process and workers - 1 others, started by
    `method` (_start_method() unless given)."""
    import multiprocessing

    workers = min(workers, -(-len(items) // MIN_SLICE))  # no more processes than slices
    size = _slice_size(len(items), workers)
    bounds = _slices(len(items), size)
    _engine()[3]()  # engine and standards loaded before the fork: a worker inherits them
    method = method or _start_method()
    forking = method == "fork"
    context = multiprocessing.get_context(method)
    untaken = _Untaken(context, len(bounds))
    started: list[tuple[Any, Any]] = []
    if forking:
        _INHERITED[:] = items
    try:
        for _ in range(workers - 1):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_worker,
                args=(untaken, None if forking else items, len(items), size, send), daemon=True)
            process.start()
            send.close()
            started.append((process, receive))
        _INHERITED.clear()  # (the parent's own list stays alive in `items`)
        done: dict[int, tuple[bytes, list[Problem]]] = {}
        heard: set[int] = set()
        while (index := untaken.back()) is not None:
            start, end = bounds[index]
            done[index] = _chunk(items[start:end], start)
            _hear(started, heard, done, wait=False)  # a worker that failed stops it all now
        _hear(started, heard, done, wait=True)
    finally:
        _INHERITED.clear()
        for process, receive in started:
            receive.close()
            if process.is_alive():
                process.terminate()
    return [done[index] for index in range(len(bounds))]


def _hear(started: list[tuple[Any, Any]], heard: set[int],
          done: dict[int, tuple[bytes, list[Problem]]], *, wait: bool) -> None:
    """Take in what the workers not yet heard from have sent (only those that have, unless
    `wait`): their results, or why one failed, raised as an internal error."""
    for number, (process, receive) in enumerate(started):
        if number in heard or not (wait or receive.poll()):
            continue
        heard.add(number)
        try:
            got = receive.recv()
        except EOFError:  # it died without a word
            process.join()
            got = f"exit code {process.exitcode}"
        if isinstance(got, str):
            raise RuntimeError(f"计算子进程出错：{got}")
        done.update((index, (text, found)) for index, text, found in got)
        process.join()


def read_source(name: str) -> str:
    if name == "-":
        try:
            return sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UsageError("标准输入不是 UTF-8 编码") from exc
    try:
        with open(name, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise UsageError(f"找不到输入文件：{name}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"输入文件不是 UTF-8 编码：{name}") from exc
    except OSError as exc:
        raise UsageError(f"无法读取输入文件 {name}：{exc.strerror}") from exc


def run(args: argparse.Namespace) -> int:
    """Bad input raises InputError: the command line prints one line per problem, exit 2.

    The cyclic garbage collector is paused for the whole command (the engine makes no cycles;
    reference counting frees everything). With it running, every allocation after a large
    batch is parsed — loading the standards, starting the workers — set off full passes over
    the batch's half a million objects: some 0.15 s for 10,000 households."""
    paused = gc.isenabled()
    gc.disable()
    try:
        standards = _engine()[3]()  # before the input, so a bad standard file is named first
        raw = load_json_text(read_source(args.file))
        if isinstance(raw, list):
            _write_pieces(calculate_batch(raw))
        else:
            sys.stdout.write(json.dumps(calculate_one(raw, standards), ensure_ascii=False,
                                        indent=2))
        sys.stdout.write("\n")
    finally:
        if paused:
            gc.enable()
    return 0


def _write_pieces(pieces: list[bytes]) -> None:
    """The batch's UTF-8 pieces, copied to standard output as they are."""
    out = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    for piece in pieces:
        if out is not None:
            out.write(piece)
        else:
            sys.stdout.write(piece.decode("utf-8"))
    if out is not None:
        out.flush()
