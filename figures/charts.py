"""Bar charts drawn on the server as SVG: no JavaScript, no third party."""

from collections.abc import Sequence
from dataclasses import dataclass

from figures.suppression import Shown

WIDTH = 640
BAR_AREA = 200
LABEL_SPACE = 40


@dataclass(frozen=True)
class Bar:
    """One bar. Coordinates are strings with a decimal point, whatever the page's language."""

    label: str
    text: str  # the value as shown: a number, "<5" or "–"
    x: str
    y: str
    width: str
    height: str
    text_x: str
    text_y: str
    label_x: str = "0"


def _coordinates(**values: float) -> dict[str, str]:
    return {name: f"{value:.1f}" for name, value in values.items()}


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool

    @property
    def label_y(self) -> int:
        return self.height - 6


def vertical(items: Sequence[tuple[str, Shown | int | None]]) -> Chart:
    """One bar per item (e.g. per month). Hidden values get no bar, only their mark."""
    values = [_number(value) for _, value in items]
    top = max([v for v in values if v is not None] or [1]) or 1
    slot = WIDTH / max(len(items), 1)
    bars = []
    for index, ((label, value), number) in enumerate(zip(items, values, strict=True)):
        height = 0 if number is None else BAR_AREA * number / top
        x = index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label,
                text=_text(value),
                **_coordinates(
                    x=x,
                    y=LABEL_SPACE / 2 + BAR_AREA - height,
                    width=slot * 0.7,
                    height=height,
                    text_x=x + slot * 0.35,
                    text_y=LABEL_SPACE / 2 + BAR_AREA - height - 4,
                ),
            )
        )
    return Chart(width=WIDTH, height=int(BAR_AREA + LABEL_SPACE * 1.5), bars=bars, horizontal=False)


def horizontal(items: Sequence[tuple[str, Shown | int | None]]) -> Chart:
    """One bar per item (e.g. per contact point), labelled on the left."""
    values = [_number(value) for _, value in items]
    top = max([v for v in values if v is not None] or [1]) or 1
    row = 28
    label_width = WIDTH * 0.45
    bars = []
    for index, ((label, value), number) in enumerate(zip(items, values, strict=True)):
        length = 0 if number is None else (WIDTH - label_width - 50) * number / top
        y = index * row + 4
        bars.append(
            Bar(
                label=label,
                text=_text(value),
                **_coordinates(
                    x=label_width,
                    y=y,
                    width=length,
                    height=row - 10,
                    text_x=label_width + length + 6,
                    text_y=y + row / 2,
                    label_x=label_width - 8,
                ),
            )
        )
    return Chart(width=WIDTH, height=max(row * len(items) + 8, row), bars=bars, horizontal=True)


def _number(value: Shown | int | None) -> int | None:
    if isinstance(value, Shown):
        return value.value
    return value


def _text(value: Shown | int | None) -> str:
    if value is None:
        return "–"
    return str(value)
