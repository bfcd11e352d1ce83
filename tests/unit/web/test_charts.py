"""Server-side SVG charts."""

import re

from bot.web.charts import stacked_bars


def test_bars_are_stacked_and_scaled_to_the_tallest_day() -> None:
    svg = stacked_bars(["24/11", "25/11"], {"a": [1, 2], "b": [1, 0]}, "Tiket")
    heights = [
        float(h)
        for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)
    ]
    # day 1: 1 + 1, day 2: 2 + 0 (zero-height bars are left out); both days reach the top.
    assert heights == [90.0, 90.0, 180.0, 10.0, 10.0]  # then the two legend swatches
    assert svg.count("<text") == 1 + 2 + 2  # scale, two day labels, two legend entries


def test_labels_are_escaped() -> None:
    svg = stacked_bars(["<b>"], {"<script>x</script>": [1]}, 'judul "aneh" <i>')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;" in svg
    assert 'aria-label="judul &quot;aneh&quot; &lt;i&gt;"' in svg
