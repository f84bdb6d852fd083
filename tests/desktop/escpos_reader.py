"""A strict reader of the ESC/POS bytes the renderer emits: the tests see what a printer
would print (text by style, barcodes, cuts, drawer kicks) and fail on any unknown command.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS = 0x1B, 0x1D

CODE_PAGE_SLOTS = {0: "cp437", 16: "cp1252", 19: "cp858"}
ESC_ARGS = {"@": 0, "2": 0, "t": 1, "!": 1, "E": 1, "a": 1, "d": 1, "-": 1, "M": 1, "p": 3}
GS_ARGS = {"!": 1, "h": 1, "w": 1, "f": 1, "H": 1, "B": 1, "b": 1}


@dataclass
class Printed:
    """What a printer would do with a job."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, style)
    commands: list[bytes] = field(default_factory=list)
    barcodes: list[tuple[int, bytes]] = field(default_factory=list)  # (GS k type, data)
    images: list[tuple[int, int]] = field(default_factory=list)  # (width dots, height)
    cuts: list[int] = field(default_factory=list)
    code_pages: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.lines]


def parse_escpos(data: bytes) -> Printed:
    """Walk the ESC/POS commands in ``data`` and collect the printed text line by line.

    Fails on any command it does not know, so a new command in the renderer needs a
    deliberate change here.
    """
    out = Printed()
    encoding = "cp437"  # the table after ESC @
    size, bold = 0, False
    pending = bytearray()
    i = 0

    def style() -> str:
        if size & 0x10:
            return "tall"
        return "bold" if bold else "normal"

    while i < len(data):
        byte = data[i]
        if byte == 0x0A:
            out.lines.append((pending.decode(encoding), style()))
            pending.clear()
            i += 1
        elif byte == ESC:
            command = chr(data[i + 1])
            assert command in ESC_ARGS, f"unexpected ESC {command!r} at {i}"
            args = data[i + 2 : i + 2 + ESC_ARGS[command]]
            out.commands.append(data[i : i + 2 + ESC_ARGS[command]])
            if command == "@":
                encoding, size, bold = "cp437", 0, False
            elif command == "t":
                encoding = CODE_PAGE_SLOTS[args[0]]
                out.code_pages.append(encoding)
            elif command == "!":
                size = args[0]
                bold = bool(args[0] & 0x08)
            elif command == "E":
                bold = bool(args[0])
            i += 2 + ESC_ARGS[command]
        elif byte == GS:
            command = chr(data[i + 1])
            if command == "k":
                kind = data[i + 2]
                assert kind >= 65, "only function B barcodes (with a length byte) are emitted"
                length = data[i + 3]
                out.barcodes.append((kind, data[i + 4 : i + 4 + length]))
                i += 4 + length
            elif command == "V":
                mode = data[i + 2]
                out.cuts.append(mode)
                i += 4 if mode in (65, 66) else 3
            elif command == "v":
                assert data[i + 2 : i + 4] == b"0\x00", "raster image, normal density"
                width_bytes = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                out.images.append((width_bytes * 8, height))
                i += 8 + width_bytes * height
            else:
                assert command in GS_ARGS, f"unexpected GS {command!r} at {i}"
                out.commands.append(data[i : i + 2 + GS_ARGS[command]])
                i += 2 + GS_ARGS[command]
        else:
            assert byte >= 0x20, f"unexpected control byte {byte:#04x} at {i}"
            pending.append(byte)
            i += 1
    assert not pending, f"text left unprinted at the end: {bytes(pending)!r}"
    return out
