"""Draws the app's PNG icons (the web app manifest's), with nothing but the standard library.

    python scripts/build_icons.py      # writes motus/static/icon-192.png, icon-512.png, icon-maskable-512.png

A Motus tile: the board's blue, a red square, a white M. The maskable icon keeps the
drawing inside the central circle that every platform's mask leaves (40 % of the
size around the centre), on a background that fills the whole square.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "motus" / "static"
BLUE = (0x0E, 0x3F, 0x80)
RED = (0xD6, 0x2D, 0x20)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per pixel side: 16 samples a pixel, for smooth edges


def _m_polygons(x0: float, y0: float, size: float) -> list[list[tuple[float, float]]]:
    """The letter M in the square (x0, y0, size), as four quadrilaterals."""
    s, t = size, size * 0.17  # stroke width
    left, right, top, bottom = x0 + s * 0.16, x0 + s * 0.84, y0 + s * 0.18, y0 + s * 0.82
    mid_x, mid_y = x0 + s / 2, y0 + s * 0.58
    return [
        [(left, top), (left + t, top), (left + t, bottom), (left, bottom)],
        [(right - t, top), (right, top), (right, bottom), (right - t, bottom)],
        [(left, top), (left + t, top), (mid_x + t / 2, mid_y), (mid_x - t / 2, mid_y + t * 0.9)],
        [(right - t, top), (right, top), (mid_x + t / 2, mid_y + t * 0.9), (mid_x - t / 2, mid_y)],
    ]


def _inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _in_rounded_square(x: float, y: float, x0: float, y0: float, size: float, radius: float) -> bool:
    if not (x0 <= x <= x0 + size and y0 <= y <= y0 + size):
        return False
    cx = min(max(x, x0 + radius), x0 + size - radius)
    cy = min(max(y, y0 + radius), y0 + size - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def draw(size: int, tile_share: float) -> bytes:
    """RGB rows of the icon: the tile takes `tile_share` of the side, centred."""
    tile = size * tile_share
    t0 = (size - tile) / 2
    letter = _m_polygons(t0, t0, tile)
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # PNG filter type: none
        for px in range(size):
            covered = {BLUE: 0, RED: 0, WHITE: 0}
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x, y = px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES
                    if not _in_rounded_square(x, y, t0, t0, tile, tile * 0.12):
                        covered[BLUE] += 1
                    elif any(_inside(x, y, p) for p in letter):
                        covered[WHITE] += 1
                    else:
                        covered[RED] += 1
            n = SAMPLES * SAMPLES
            rows.extend(round(sum(c[k] * w for c, w in covered.items()) / n) for k in range(3))
    return bytes(rows)


def png(size: int, rgb_rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rgb_rows, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


ICONS = (("icon-192.png", 192, 0.78), ("icon-512.png", 512, 0.78), ("icon-maskable-512.png", 512, 0.52))


def main() -> None:
    for name, size, share in ICONS:
        (STATIC / name).write_bytes(png(size, draw(size, share)))
        print(f"{name}: {size}x{size}", file=sys.stderr)


if __name__ == "__main__":
    main()
