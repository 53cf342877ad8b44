"""Ruled table grids read straight from a page's drawings and words.

The cells `page.find_tables(use_layout=False)` finds with its default line strategies,
computed the same way in plain floats: the drawing list is the one `tables.py` has read
already (to see whether the page draws vertical rules), the characters are the page's
words (`table_chars`), and no PyMuPDF Rect/Point objects are made. On the corpus
`find_tables()` cost ~13 ms a table page, two thirds of it in building those objects
and a second drawing list; this reader gives the same grids (bench/parse_ruled.py
compares them cell by cell) in a fraction of that.

The steps are those of PyMuPDF's `table.py` (after pdfplumber): edges from lines,
rectangles and quads; the outline of each cluster of touching drawings that holds
text; edges snapped and joined; their crossings; the smallest cells between crossings;
cells that share corners grouped into tables, rows by their tops.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass

_SNAP = 3.0  # snap, join and intersection tolerances: find_tables()' defaults
_JOIN = 3.0
_CROSS = 3.0
_MIN_LENGTH = 3.0  # edge_min_length
_MIN_RAW = 1.0  # edges shorter than this are dropped before snapping
_WHITE = frozenset(" \t\n\r\x0b\x0c")

Box = tuple[float, float, float, float]


@dataclass
class Grid:
    bbox: Box
    rows: list[list[Box | None]]  # one slot per column start; None where a cell spans


@dataclass(slots=True)  # ~5x10^4 per corpus: made faster without a __dict__
class _Edge:
    x0: float
    top: float
    x1: float
    bottom: float
    vertical: bool
    length: float  # height of a vertical edge, width of a horizontal one

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


def read_grids(drawings: list[dict], chars: list[dict], page_box: Box) -> list[Grid]:
    """The tables of ruled cells on an upright page. `drawings`: `page.get_cdrawings()`
    (not changed); `chars`: `table_chars.word_chars()` of the page's words; `page_box`:
    the page rectangle."""
    edges = _drawing_edges(drawings, chars, page_box)
    edges = _merge([e for e in edges if e.length >= _MIN_RAW])
    edges = [e for e in edges if e.length >= _MIN_LENGTH]
    cells = _cells(_crossings(edges))
    return [Grid(bbox=_bbox(group), rows=_rows(group)) for group in _tables(cells, chars)]


def _turn(matrix: tuple[float, ...]):
    a, b, c, d, e, f = matrix

    def point(p: tuple) -> tuple[float, float]:
        return (a * p[0] + c * p[1] + e, b * p[0] + d * p[1] + f)

    def box(r: tuple) -> Box:
        (x0, y0), (x1, y1) = point((r[0], r[1])), point((r[2], r[3]))
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    return point, box


def turned_words(words: list[tuple], matrix: tuple[float, ...]) -> list[tuple]:
    """Word boxes (`extractWORDS()`, unturned page coordinates) in the coordinates of the
    page as shown, through `matrix` (`page.rotation_matrix`)."""
    _point, box = _turn(matrix)
    return [(*box(w[:4]), *w[4:]) for w in words]


def turned(drawings: list[dict], matrix: tuple[float, ...]) -> list[dict]:
    """The drawings of a turned page in the coordinates of the page as shown:
    `get_cdrawings()` gives them unturned, `matrix` is `page.rotation_matrix`. Only what
    `read_grids` reads is kept."""
    point, box = _turn(matrix)
    out = []
    for path in drawings:
        items = []
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                items.append(("l", point(item[1]), point(item[2])))
            elif kind == "re":
                items.append(("re", box(item[1])))
            elif kind == "qu":
                items.append(("qu", tuple(point(p) for p in item[1])))
        out.append({"rect": box(path["rect"]), "items": items, "closePath": path.get("closePath")})
    return out


def _f32(value: float) -> float:
    """MuPDF keeps rectangles in single precision; a union made there comes back so."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _drawing_edges(drawings: list[dict], chars: list[dict], page: Box) -> list[_Edge]:
    edges: list[_Edge] = []
    for path in drawings:
        items = path["items"]
        if path.get("closePath") and items and items[0][0] == "l" and items[-1][0] == "l":
            items = [*items, ("l", items[-1][2], items[0][1])]
        for item in items:
            kind = item[0]
            if kind == "l":
                _add_line(edges, item[1], item[2], page)
            elif kind == "re":
                x0, y0, x1, y1 = item[1]
                x0, x1 = min(x0, x1), max(x0, x1)
                y0, y1 = min(y0, y1), max(y0, y1)
                width, height = x1 - x0, y1 - y0
                if (width <= _MIN_LENGTH and width < height) or (
                    height <= _MIN_LENGTH and height < width
                ):  # a filled bar standing for a rule
                    if width < height:
                        x = abs(x1 + x0) / 2
                        _add_line(edges, (x, y0), (x, y1), page)
                    else:
                        y = abs(y1 + y0) / 2
                        _add_line(edges, (x0, y), (x1, y), page)
                    continue
                tl, bl, br, tr = (x0, y0), (x0, y1), (x1, y1), (x1, y0)
                for a, b in ((tl, bl), (bl, br), (br, tr), (tr, tl)):
                    _add_line(edges, a, b, page)
            elif kind == "qu":
                ul, ur, ll, lr = item[1]
                for a, b in ((ul, ll), (ll, lr), (lr, ur), (ur, ul)):
                    _add_line(edges, a, b, page)
    for x0, y0, x1, y1 in _outlines(drawings, chars):
        tl, tr, bl, br = (x0, y0), (x1, y0), (x0, y1), (x1, y1)
        for a, b in ((tl, tr), (bl, br), (tl, bl), (tr, br)):
            _add_line(edges, a, b, page)
    return edges


def _add_line(edges: list[_Edge], p1: tuple, p2: tuple, clip: Box) -> None:
    """An axis-parallel stroke (within the snap tolerance), clipped to the page."""
    if not (abs(p1[0] - p2[0]) <= _SNAP or abs(p1[1] - p2[1]) <= _SNAP):
        return
    x0, x1 = (p1[0], p2[0]) if p1[0] <= p2[0] else (p2[0], p1[0])
    y0, y1 = (p1[1], p2[1]) if p1[1] <= p2[1] else (p2[1], p1[1])
    if x0 > clip[2] or x1 < clip[0] or y0 > clip[3] or y1 < clip[1]:
        return
    if x0 < clip[0]:
        x0 = clip[0]
    if x1 > clip[2]:
        x1 = clip[2]
    if y0 < clip[1]:
        y0 = clip[1]
    if y1 > clip[3]:
        y1 = clip[3]
    width, height = x1 - x0, y1 - y0
    if width == height == 0:
        return
    vertical = y0 != y1  # as PyMuPDF has it: any line not exactly level is "vertical"
    edges.append(_Edge(x0, y0, x1, y1, vertical, height if vertical else width))


def _near(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """find_tables()' `are_neighbors`: an x end and a y end of one box within the other's
    ranges widened by the snap tolerance."""
    a0, a1, a2, a3 = a
    b0, b1, b2, b3 = b
    if (b0 - _SNAP <= a0 <= b2 + _SNAP or b0 - _SNAP <= a2 <= b2 + _SNAP) and (
        b1 - _SNAP <= a1 <= b3 + _SNAP or b1 - _SNAP <= a3 <= b3 + _SNAP
    ):
        return True
    return (a0 - _SNAP <= b0 <= a2 + _SNAP or a0 - _SNAP <= b2 <= a2 + _SNAP) and (
        a1 - _SNAP <= b1 <= a3 + _SNAP or a1 - _SNAP <= b3 <= a3 + _SNAP
    )


def _outlines(drawings: list[dict], chars: list[dict]) -> list[Box]:
    """The outline of each cluster of drawings that touch (within the snap tolerance)
    and hold a character: a shaded or boxed table's border, even where no rule is
    drawn. Grown as find_tables()' `clean_graphics` grows it (the first box left takes
    in its neighbours from the last one back, again until none is near), so that the
    clusters are the same; characters are tested in PDF coordinates (y up) against the
    box in page coordinates, as PyMuPDF's `chars_in_rect` does."""
    rects = sorted(set(tuple(path["rect"]) for path in drawings), key=lambda r: (r[3], r[0]))
    text = [(c["x0"], c["x1"], c["y0"], c["y1"]) for c in chars]
    # a box narrower or lower than every character holds none (most clusters: one rule)
    narrowest = min((b - a for a, b, _, _ in text), default=0.0)
    lowest = min((d - c for _, _, c, d in text), default=0.0)
    found: list[Box] = []
    while rects:
        box = rects[0]
        grown = True
        while grown:
            grown = False
            for i in range(len(rects) - 1, 0, -1):
                other = rects[i]
                # boxes apart by more than the tolerance on either axis are never near
                if (
                    other[0] > box[2] + _SNAP
                    or other[2] < box[0] - _SNAP
                    or other[1] > box[3] + _SNAP
                    or other[3] < box[1] - _SNAP
                ) or not _near(box, other):
                    continue
                box = (
                    min(box[0], other[0]),
                    min(box[1], other[1]),
                    max(box[2], other[2]),
                    max(box[3], other[3]),
                )
                del rects[i]
                grown = True
        x0, y0, x1, y1 = box
        if (
            text
            and x1 - x0 >= narrowest
            and y1 - y0 >= lowest
            and any(x0 <= a and b <= x1 and y0 <= c and y1 >= d for a, b, c, d in text)
        ):
            found.append(box)
        del rects[0]
    return found


def _merge(edges: list[_Edge]) -> list[_Edge]:
    """Snap edges within the tolerance to their mean position, then join collinear
    pieces that touch (pdfplumber's `merge_edges`)."""
    vertical = _snap([e for e in edges if e.vertical], vertical=True)
    level = _snap([e for e in edges if not e.vertical], vertical=False)
    snapped = vertical + level

    def group(e: _Edge) -> tuple[bool, float]:
        return (e.vertical, e.x0 if e.vertical else e.top)

    out: list[_Edge] = []
    for (is_vertical, _pos), members in itertools.groupby(sorted(snapped, key=group), key=group):
        out.extend(_join(list(members), is_vertical))
    return out


def _snap(edges: list[_Edge], vertical: bool) -> list[_Edge]:
    """Edges whose positions (x of vertical ones, y of level ones) chain within the
    tolerance move to their cluster's mean, clusters in order of position, each in the
    edges' order (pdfplumber's `snap_objects`)."""
    values = [e.x0 for e in edges] if vertical else [e.top for e in edges]
    cluster_of: dict[float, int] = {}
    index, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + _SNAP:
            index += 1
        cluster_of[value] = index
        last = value
    clusters: list[list[tuple[_Edge, float]]] = [[] for _ in range(index + 1)]
    for edge, value in zip(edges, values, strict=True):
        clusters[cluster_of[value]].append((edge, value))
    out = []
    for members in clusters:
        mean = sum(value for _, value in members) / len(members)
        for e, value in members:
            shift = mean - value
            if shift == 0.0:  # a cluster of one, or already at the mean: the edge as it is
                out.append(e)
            elif vertical:
                out.append(_Edge(e.x0 + shift, e.top, e.x1 + shift, e.bottom, True, e.length))
            else:
                out.append(_Edge(e.x0, e.top + shift, e.x1, e.bottom + shift, False, e.length))
    return out


def _join(edges: list[_Edge], vertical: bool) -> list[_Edge]:
    if vertical:
        edges.sort(key=lambda e: e.top)
    else:
        edges.sort(key=lambda e: e.x0)
    joined = [edges[0]]
    for e in edges[1:]:
        last = joined[-1]
        if vertical:
            if e.top <= last.bottom + _JOIN:
                if e.bottom > last.bottom:
                    length = last.length + (e.bottom - last.bottom)
                    joined[-1] = _Edge(last.x0, last.top, last.x1, e.bottom, True, length)
            else:
                joined.append(e)
        elif e.x0 <= last.x1 + _JOIN:
            if e.x1 > last.x1:
                joined[-1] = _Edge(last.x0, last.top, e.x1, last.bottom, False, e.x1 - last.x0)
        else:
            joined.append(e)
    return joined


def _crossings(edges: list[_Edge]) -> dict[tuple[float, float], tuple[set[Box], set[Box]]]:
    """Points where a vertical and a horizontal edge meet (within the tolerance), each
    with the boxes of the vertical and of the horizontal edges through it."""
    vertical = sorted((e for e in edges if e.vertical), key=lambda e: (e.x0, e.top))
    level = sorted((e for e in edges if not e.vertical), key=lambda e: (e.top, e.x0))
    points: dict[tuple[float, float], tuple[set[Box], set[Box]]] = {}
    for v in vertical:
        for h in level:
            if (
                v.top <= h.top + _CROSS
                and v.bottom >= h.top - _CROSS
                and v.x0 >= h.x0 - _CROSS
                and v.x0 <= h.x1 + _CROSS
            ):
                vs, hs = points.setdefault((v.x0, h.top), (set(), set()))
                vs.add(v.box)
                hs.add(h.box)
    return points


def _cells(points: dict[tuple[float, float], tuple[set[Box], set[Box]]]) -> list[Box]:
    """For each crossing, the smallest cell it is the top-left corner of."""

    def connected(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        if p1[0] == p2[0] and points[p1][0] & points[p2][0]:
            return True
        return p1[1] == p2[1] and bool(points[p1][1] & points[p2][1])

    ordered = sorted(points)
    # the crossings below a point (same x, in order) and right of it (same y)
    column: dict[float, list[tuple[float, float]]] = {}
    row: dict[float, list[tuple[float, float]]] = {}
    for p in ordered:
        column.setdefault(p[0], []).append(p)
        row.setdefault(p[1], []).append(p)
    cells = []
    for pt in ordered[:-1]:
        below = [p for p in column[pt[0]] if p[1] > pt[1]]
        right = [p for p in row[pt[1]] if p[0] > pt[0]]
        cell = None
        for below_pt in below:
            if not connected(pt, below_pt):
                continue
            for right_pt in right:
                if not connected(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in points and connected(corner, right_pt) and connected(corner, below_pt):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _tables(cells: list[Box], chars: list[dict]) -> list[list[Box]]:
    """Cells that share a corner, grouped; groups of one column or without text go."""

    def corners(c: Box) -> tuple:
        return ((c[0], c[1]), (c[0], c[3]), (c[2], c[1]), (c[2], c[3]))

    remaining = list(cells)
    tables: list[list[Box]] = []
    current: list[Box] = []
    seen: set[tuple[float, float]] = set()
    while remaining:
        before = len(current)
        for cell in list(remaining):
            if not current or any(c in seen for c in corners(cell)):
                seen |= set(corners(cell))
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            seen.clear()
            current.clear()
    if current:
        tables.append(list(current))
    texts = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars if c["text"] not in _WHITE]
    kept = []
    for group in tables:
        x0, top, x1, bottom = (_f32(v) for v in _bbox(group))
        if (
            len({c[0] for c in group}) >= 2
            and len({c[2] for c in group}) >= 2
            and any(a < x1 and c > x0 and b < bottom and d > top for a, b, c, d in texts)
        ):
            kept.append(group)
    return sorted(kept, key=lambda t: min((c[1], c[0]) for c in t))


def _bbox(cells: list[Box]) -> Box:
    return (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )


def _rows(cells: list[Box]) -> list[list[Box | None]]:
    xs = sorted({c[0] for c in cells})
    rows = []
    for _top, row_cells in itertools.groupby(
        sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]
    ):
        at = {c[0]: c for c in row_cells}
        rows.append([at.get(x) for x in xs])
    return rows
