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


def _listed_children(pid: int) -> list[int] | None:
    """The children the kernel lists for the process's threads (no scan of every process);
    None where it lists none (a kernel built without that list)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []  # the process ended while we looked
    found = []
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            if task.exists():
                return None
            # The thread ended while we looked: its children are its process's still.
        except OSError:
            pass
    return found


def descendants(pid: int) -> list[int]:
    """The process's children, their children, and so on: sampled many times a second by
    the benchmark, so read from each process's own list of children where the kernel
    keeps one, instead of from every process there is."""
    listed = _listed_children(pid)
    if listed is None:
        by_parent: dict[int, list[int]] = {}
        for child, parent in parents().items():
            by_parent.setdefault(parent, []).append(child)

        def children_of(parent: int) -> list[int]:
            return by_parent.get(parent, [])

        listed = children_of(pid)
    else:

        def children_of(parent: int) -> list[int]:
            return _listed_children(parent) or []

    found, todo = [], list(listed)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children_of(child)
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
