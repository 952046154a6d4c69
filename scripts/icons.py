"""
The site's icon, drawn here and written as the files browsers ask for: ``make icons``.

One drawing (two speech bubbles on the site's dark blue, the conversation the community is
for) becomes ``static/icons/icon.svg`` (the favicon of modern browsers), PNG files for the
app icon (``apple-touch-icon.png``, 192 and 512 pixels for the web manifest) and
``webroot/favicon.ico`` (16, 32 and 48 pixels), which WhiteNoise serves at ``/favicon.ico``
for browsers that ask there without reading the page. The files are committed; run this
again only after changing the drawing.

Run with ``python -m scripts.icons`` from the repository root.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BASE_DIR = Path(__file__).resolve().parent.parent
ICONS = BASE_DIR / "static" / "icons"
WEBROOT = BASE_DIR / "webroot"

SIZE = 64  # the drawing's own units
ACCENT = "#154273"  # --site-accent in static/css/site.css
YELLOW = "#ffb612"  # the focus outline's colour
WHITE = "#ffffff"

# (rounded rectangle (left, top, right, bottom, radius), tail triangle, colour), drawn in order:
# the yellow bubble, a dark rim that parts the two, and the white bubble on top.
BUBBLES = [
    ((23, 27, 55, 49, 5), ((40, 48), (48, 48), (48, 57)), YELLOW),
    ((7, 8, 45, 35, 7), ((12, 33), (25, 33), (12, 44)), ACCENT),
    ((9, 10, 43, 33, 5), ((14, 32), (23, 32), (14, 40)), WHITE),
]


def svg(corner: int = 14) -> str:
    shapes = [f'<rect width="{SIZE}" height="{SIZE}" rx="{corner}" fill="{ACCENT}"/>']
    for (left, top, right, bottom, radius), tail, colour in BUBBLES:
        shapes.append(
            f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" rx="{radius}" fill="{colour}"/>'
        )
        points = " ".join(f"{x},{y}" for x, y in tail)
        shapes.append(f'<polygon points="{points}" fill="{colour}"/>')
    body = "\n  ".join(shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}">\n'
        f"  <title>Ambtenaar 2.0</title>\n  {body}\n</svg>\n"
    )


def png(pixels: int, corner: int = 14) -> Image.Image:
    """The drawing at ``pixels`` square, drawn four times larger and scaled down for smooth edges."""
    scale = pixels * 4 / SIZE
    image = Image.new("RGBA", (pixels * 4, pixels * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, pixels * 4 - 1, pixels * 4 - 1), radius=corner * scale, fill=ACCENT)
    for (left, top, right, bottom, radius), tail, colour in BUBBLES:
        box = (left * scale, top * scale, right * scale, bottom * scale)
        draw.rounded_rectangle(box, radius=radius * scale, fill=colour)
        draw.polygon([(x * scale, y * scale) for x, y in tail], fill=colour)
    return image.resize((pixels, pixels), Image.Resampling.LANCZOS)


def main():
    ICONS.mkdir(parents=True, exist_ok=True)
    WEBROOT.mkdir(parents=True, exist_ok=True)
    (ICONS / "icon.svg").write_text(svg(), encoding="utf-8")
    # Phones round the app icon's corners themselves: a full square.
    png(180, corner=0).convert("RGB").save(ICONS / "apple-touch-icon.png", optimize=True)
    for pixels in (192, 512):
        png(pixels).save(ICONS / f"icon-{pixels}.png", optimize=True)
    png(48).save(WEBROOT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
