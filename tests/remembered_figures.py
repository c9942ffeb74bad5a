"""The figures in the test process, each drawn once for the tables it reads, each SVG
rendered once for its spec.

Drawing every figure (Altair, each spec validated) and rendering it (vl-convert) takes
seconds, and the site, the figure files, pr-check and prepare-release each draw all of them,
from the same tables or from tables one row apart. A figure's spec depends on nothing but
the tables its `draw` reads from the mapping it is given, and its SVG on nothing but its
spec. So the tests of one process share one memory: a figure is drawn afresh when a table
it read is new, and rendered afresh when its spec is. A test holds a remembered drawing
equal to one afresh.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping

from frame_digests import frame_digest
from sco_data.package.descriptor import as_json_text
from sco_data.publish.figures import FIGURES


class _Reading(Mapping):
    """The tables, noting which of them a figure reads."""

    def __init__(self, tables: Mapping):
        self.tables, self.read = tables, set()

    def __getitem__(self, name: str):
        self.read.add(name)
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        self.read.update(self.tables)
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


class RememberedFigures:
    """Stands for `figure_files.specs` and `figure_files.svg`."""

    def __init__(self, svg):
        self.render = svg
        self.drawings: dict[tuple, list[tuple[dict, dict]]] = {}
        self.renderings: dict[str, str] = {}
        self.drawn = 0  # figures drawn afresh, for a test to see the memory answer

    def specs(self, tables: Mapping, figures=FIGURES) -> dict[str, dict]:
        digests = {name: frame_digest(frame) for name, frame in tables.items()}
        return {f.name: self._spec(f, tables, digests) for f in figures}

    def _spec(self, figure, tables: Mapping, digests: dict) -> dict:
        drawings = self.drawings.setdefault((figure.name, figure.draw), [])
        for read, spec in drawings:
            if all(digests.get(name) == digest for name, digest in read.items()):
                return copy.deepcopy(spec)
        reading = _Reading(tables)
        spec = figure.draw(reading).to_dict()
        self.drawn += 1
        read = {name: frame_digest(tables[name]) for name in reading.read}
        changed = [name for name, digest in read.items() if digests[name] != digest]
        assert not changed, f"{figure.name} changed the tables it read: {changed}"
        drawings.append((read, copy.deepcopy(spec)))
        return spec

    def svg(self, spec: dict) -> str:
        text = as_json_text(spec)
        if text not in self.renderings:
            self.renderings[text] = self.render(spec)
        return self.renderings[text]
