"""Processes as Linux's /proc shows them: who a process's children are, whether it still
runs, how much memory it holds. For the benchmark and the kill test, which watch
`sco-validate` and its GX worker from outside."""

from __future__ import annotations

from pathlib import Path


def _status_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name; None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def parents() -> dict[int, int]:
    """{process id: its parent's id} for every process."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _status_fields(int(stat.parent.name))
        if fields is not None:  # else it ended while we looked
            found[int(stat.parent.name)] = int(fields[1])
    return found


def children(pid: int) -> list[int]:
    return [child for child, parent in parents().items() if parent == pid]


def descendants(pid: int) -> list[int]:
    """The process's children, their children, and so on."""
    by_parent: dict[int, list[int]] = {}
    for child, parent in parents().items():
        by_parent.setdefault(parent, []).append(child)
    found, todo = [], list(by_parent.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += by_parent.get(child, [])
    return found


def running(pid: int) -> bool:
    """False once it has ended, zombies included: a zombie only waits to be reaped."""
    fields = _status_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def resident_kb(pid: int) -> int:
    """Its resident memory now; 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
