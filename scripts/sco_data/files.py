"""What the tools write is written whole or not at all, and no run leaves scratch behind.

- `write_changed` writes each file to a temporary file in the same folder, flushed to disk,
  then moves it into place with `os.replace`: a crash, a kill or a full disk leaves the old
  file or the new one, never part of one. Files whose content is unchanged are not touched,
  so their dates and diffs stay quiet.
- `replace_folder` swaps a folder built beside its target (dist/, the Data Docs) into place.
- `owned_folder` makes a scratch folder whose name carries its owner's process id, after
  removing those whose owner is gone: a run killed outright cannot clean up after itself, so
  the next one does.

Only the standard library: the GX worker imports this before anything heavy.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path


class WriteFailed(Exception):
    """A file or folder could not be written; whatever was there before is still there."""

    def __init__(self, path: Path, error: BaseException):
        reason = getattr(error, "strerror", None) or str(error)
        super().__init__(
            f"Could not write {path}: {reason}. It was left as it was before this run."
        )
        self.path, self.error = path, error


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
        return
    try:
        entry.unlink()
    except OSError:
        pass  # another user's, or removed by a run cleaning up at the same time


def _owned(parent: Path, prefix: str) -> list[tuple[Path, int]]:
    """Entries of `parent` named `<prefix><pid>-...`, with that pid."""
    owner = re.compile(re.escape(prefix) + r"(\d+)-")
    try:
        entries = list(parent.iterdir())
    except OSError:
        return []  # nothing to clean where nothing can be listed
    return [(e, int(found[1])) for e in entries if (found := owner.match(e.name))]


def remove_stale(parent: Path, prefix: str) -> None:
    """Remove what `owned_folder` or `write_changed` left in `parent` for processes now gone."""
    for entry, pid in _owned(parent, prefix):
        if not alive(pid):
            _remove(entry)


def owned_folder(parent: Path, prefix: str) -> Path:
    """A new folder `<prefix><pid>-<random>` in `parent`; stale ones are removed first."""
    remove_stale(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def _beside(target: Path) -> tuple[Path, str]:
    return target.parent, f".{target.name}-"


def folder_beside(target: Path) -> Path:
    """Where to build a new version of the folder `target` before `replace_folder`."""
    folder = owned_folder(*_beside(target))
    os.chmod(folder, 0o777 & ~_umask())  # private while scratch, not once in place
    return folder


def remove_own_beside(target: Path) -> None:
    """Remove what this process has built beside `target`: for a process on its way out."""
    for entry, pid in _owned(*_beside(target)):
        if pid == os.getpid():
            _remove(entry)


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _new_mode(path: Path) -> int:
    """The old file's permissions, or what a plain `open` would have given a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def _temporary_copy(path: Path, content: bytes) -> Path:
    """`content` in a new file beside `path`, on disk; removed again if any step fails."""
    prefix = f".{path.name}."
    remove_stale(path.parent, prefix)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f"{prefix}{os.getpid()}-", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise WriteFailed(path, error) from error
    temporary = Path(name)
    try:
        with open(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename makes it the file
        os.chmod(temporary, _new_mode(path))
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise WriteFailed(path, error) from error
    return temporary


def write_changed(files: dict[Path, str | bytes]) -> list[Path]:
    """Write each file whose content differs (text as UTF-8); return those written.

    Every new file is complete on disk before the first one is moved into place, so a failure
    while writing leaves all of them as they were."""
    changed = {}
    for path, content in files.items():
        content = _as_bytes(content)
        if not (path.is_file() and path.read_bytes() == content):
            changed[path] = content
    ready: dict[Path, Path] = {}
    try:
        for path, content in changed.items():
            ready[path] = _temporary_copy(path, content)
        for path in list(ready):
            try:
                os.replace(ready[path], path)
            except OSError as error:
                raise WriteFailed(path, error) from error
            del ready[path]
    finally:
        for temporary in ready.values():
            temporary.unlink(missing_ok=True)
    return list(changed)


def replace_folder(new: Path, target: Path) -> None:
    """Put the complete folder `new`, built by `folder_beside(target)`, in target's place.

    Two renames, so that a run that fails or is killed before them leaves the old folder, and
    one killed between them leaves both for the next run's `remove_stale`. Another process
    may put its own folder in place between the two: then the renames run again."""
    aside: list[Path] = []
    try:
        while True:
            old = target.with_name(
                f"{_beside(target)[1]}{os.getpid()}-old-{secrets.token_hex(4)}"
            )
            try:
                os.rename(target, old)
                aside.append(old)
            except FileNotFoundError:
                pass
            try:
                os.rename(new, target)
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    if aside and not target.exists():
                        os.rename(aside.pop(), target)  # the old folder, back in place
                    raise
    finally:
        for old in aside:
            shutil.rmtree(old, ignore_errors=True)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteFailed(folder, error) from error


def stale_files(root: Path, expected: dict[str, str]) -> list[str]:
    """The files (relative to `root`) whose text is not what `expected` says it should be."""
    return [
        file
        for file, text in expected.items()
        if not (root / file).is_file() or (root / file).read_text("utf-8") != text
    ]


def write_or_check(
    root: Path, expected: dict[str, str], check: bool, remedy: str
) -> int:
    """What a command that generates files does: with `check`, name each stale file
    (`<file> <remedy>`) and exit 1 if any is; else write them all, naming each one
    written. A failed write is one line and exit 1."""
    if check:
        files = stale_files(root, expected)
        for file in files:
            print(f"{file} {remedy}", file=sys.stderr)
        return 1 if files else 0
    try:
        for folder in {(root / file).parent for file in expected}:
            _make_folder(folder)
        written = write_changed({root / file: text for file, text in expected.items()})
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


def generator_main(
    argv: list[str] | None, description: str, expected_of, remedy: str
) -> int:
    """The command line of a generator: `[ROOT] [--check]`, where `expected_of(root)` gives
    {file: its text}; see `write_or_check`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    root = Path(args.root)
    return write_or_check(root, expected_of(root), args.check, remedy)
