"""Lay out a program's positions as a tree and draw it as SVG, on the server: no script, no
external service, and the same picture on screen and on paper."""

from dataclasses import dataclass, field

BOX_WIDTH = 190
BOX_HEIGHT = 58
GAP_X = 24
GAP_Y = 46
MARGIN = 8


@dataclass
class Box:
    position: object
    children: list = field(default_factory=list)
    x: float = 0
    y: float = 0

    @property
    def centre(self):
        return self.x + BOX_WIDTH / 2

    @property
    def title(self):
        return _fit(self.position.title)

    @property
    def holder(self):
        return _fit(self.position.holder_name or "Vacant")

    @property
    def is_agency(self):
        return self.position.side == "agency"


@dataclass
class OrgChart:
    boxes: list
    lines: list  # (x1, y1, x2, y2)
    width: int
    height: int
    roots: list  # the same tree, for the text version beside the picture


def _fit(text, limit=26):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def org_chart(positions) -> OrgChart:
    positions = list(positions)
    boxes = {p.pk: Box(p) for p in positions}
    roots = []
    for box in boxes.values():
        boss = boxes.get(box.position.reports_to_id)
        (boss.children if boss else roots).append(box)

    next_x = MARGIN

    def place(box, depth):
        nonlocal next_x
        box.y = MARGIN + depth * (BOX_HEIGHT + GAP_Y)
        for child in box.children:
            place(child, depth + 1)
        if box.children:
            box.x = (box.children[0].x + box.children[-1].x) / 2
        else:
            box.x = next_x
            next_x += BOX_WIDTH + GAP_X

    for root in roots:
        place(root, 0)
    lines = []
    for box in boxes.values():
        for child in box.children:
            middle = box.y + BOX_HEIGHT + GAP_Y / 2
            lines += [
                (box.centre, box.y + BOX_HEIGHT, box.centre, middle),
                (box.centre, middle, child.centre, middle),
                (child.centre, middle, child.centre, child.y),
            ]
    width = max((b.x + BOX_WIDTH for b in boxes.values()), default=0) + MARGIN
    height = max((b.y + BOX_HEIGHT for b in boxes.values()), default=0) + MARGIN
    return OrgChart(list(boxes.values()), lines, int(width), int(height), roots)
