"""`make screenshots` drives every screen through a real day at the till (sign in, open a
shift, sell, pay, refund, customers, stock, close): it must keep working as screens change,
and every image must show a screen, not an empty window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from arcoiris_desktop.ui.screenshots import render


def test_every_screen_renders(qtbot, tmp_path: Path):
    paths = render(tmp_path)
    names = {p.stem for p in paths}
    for expected in (
        "01-login-1024x768",
        "08-first-run",
        "10-shift-open-count",
        "15-cash-count-close",
        "16-z-report",
        "17-shift-closed-1024x768",
    ):
        assert expected in names
    for path in paths:
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 300, path.name
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 37)
            for y in range(0, image.height(), 37)
        }
        assert len(colours) > 3, f"{path.name} is blank"
