"""What every explorer shares: its set-up, its guard against re-entrant updates, a live figure.

`Explorer` builds the parts of the convention in `scratch.widgets` once: `summary` (HTML),
`out` (Output) and `widget` (the box to display), and makes every control call `update`.
`LiveFigure` is the figure of an explorer, built once and then updated in place (why: see its
docstring). A new explorer:

    class SquareExplorer(Explorer):
        def __init__(self, x=1.0, show_plot=True):
            self.x = widgets.FloatSlider(value=x, min=-2, max=2, description="x")
            self._build([self.x], figsize=(4, 3) if show_plot else None)

        def setup_figure(self, fig):           # once: axes, static lines, artists to update
            ax = fig.subplots()
            grid = np.linspace(-2, 2, 101)
            ax.plot(grid, grid**2)
            self.point = self.figure.animated(ax.plot([], [], "o")[0])

        def update(self):                      # after every change: summary first, then figure
            x = self.x.value
            self.summary.value = f"x**2 = <b>{x**2:.2f}</b>"
            if self.figure:
                self.point.set_data([x], [x**2])
                self.figure.show()
"""

import base64
import importlib
import inspect
import pkgutil
import struct
import zlib
from collections import OrderedDict
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def _whole_labels(widget):
    """Give every control in `widget` (and in its children) a label as wide as its text: the
    default width cuts "optimizer" to "optimi..." and "activation" to "activat..."."""
    style = getattr(widget, "style", None)
    if style is not None and hasattr(style, "description_width"):
        style.description_width = "initial"
    for child in getattr(widget, "children", ()):
        _whole_labels(child)


def png_output(png, width, height):
    """The Output state that shows the PNG bytes `png` of a width x height pixel image."""
    return ({
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(png).decode("ascii"),
                 "text/plain": f"<Figure size {width}x{height}>"},
        "metadata": {},
    },)


def encode_png(pixels):
    """PNG bytes of an RGB image, pixels: (H, W, 3) uint8, made for speed.

    A PNG is a signature and chunks (length, type, data, CRC): IHDR (size, 8 bits per channel,
    colour type 2 = RGB), IDAT (the rows, each after a filter-type byte, zlib-compressed) and
    IEND. General encoders try several filters per row to compress better; a figure is mostly
    flat colour, so filter 0 (none) and the fastest zlib level compress it about as well, in
    less than half the time of Pillow's encoder.
    """
    height, width, _ = pixels.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # column 0: filter type 0
    rows[:, 1:] = pixels.reshape(height, 3 * width)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


class LiveFigure:
    """A matplotlib Figure that an explorer builds once and updates in place, shown in `out`.

    Drawing a figure from scratch (the axes, the layout, the ticks and every text, then once
    more for `bbox_inches="tight"`) is slow next to a slider's usual change, one marker moved.
    So the figure is built once; the artists that change from one setting to the next are
    registered with `animated` (matplotlib then leaves them out of a
    normal draw); `show(key)` draws everything else, the background, only when `key` (anything
    hashable that names the state of the non-animated artists, e.g. the chosen function) is
    new, keeps the last few backgrounds, pastes the background and draws only the animated
    artists on it (blitting). The layout (tight or constrained) is computed at the first draw
    and then kept, so the axes do not jump while a slider moves. The PNG is encoded for speed
    (`encode_png`) and sent only when it differs from the one shown.

    Animated artists are drawn last, in z-order: a static artist that a normal draw would put
    over one of them (a legend over a curve) must be animated too, or the picture differs
    from a normal draw (the axes' frame is handled here; tests/notebooks/test_widgets_base.py
    compares every explorer's picture with a normal draw).
    """

    def __init__(self, out, figsize, layout="tight", backgrounds=8):
        self.out = out
        self.fig = Figure(figsize=figsize, layout=layout)
        self.canvas = FigureCanvasAgg(self.fig)
        self._animated = []
        self._backgrounds = OrderedDict()  # key -> the rendered background, newest last
        self._max_backgrounds = backgrounds
        self._png = None
        self._crop = None  # (top, bottom, left, right) in pixels, fixed at the first draw

    def animated(self, artist):
        """Register an artist that changes with the controls; returns it."""
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    def render(self, key=None):
        """Draw the figure into the canvas: background for `key`, then the animated artists."""
        background = self._backgrounds.pop(key, None)
        if background is None:
            if self._crop is None:
                self._animate_frames()
            self.canvas.draw()  # everything but the animated artists
            if self._crop is None:
                self._fix_layout()
            background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(background)
        self._backgrounds[key] = background
        while len(self._backgrounds) > self._max_backgrounds:
            self._backgrounds.popitem(last=False)
        renderer = self.canvas.get_renderer()
        for artist in self._animated:  # in z-order, as a normal draw orders them
            artist.draw(renderer)

    def _animate_frames(self):
        """Before the first draw: an axes' frame (its spines, zorder 2.5) is drawn over the
        low artists in it (bars have zorder 1). Over an animated one it is animated too, so
        that it is drawn once, on top, as in a normal draw."""
        for artist in list(self._animated):
            ax = artist.axes
            if ax is None or not (ax.axison and ax.get_frame_on()):
                continue
            for spine in ax.spines.values():
                if spine.get_zorder() > artist.get_zorder() and spine not in self._animated:
                    spine.set_animated(True)
                    self._animated.append(spine)
        self._animated.sort(key=lambda a: a.get_zorder())  # stable: ties keep their order

    def _fix_layout(self):
        """After the first draw: keep the axes where the layout put them, and crop the image
        to what is drawn plus 0.1 inch, as savefig(bbox_inches="tight") does."""
        self.fig.set_layout_engine("none")
        dpi, (width, height) = self.fig.dpi, self.canvas.get_width_height()
        box = self.fig.get_tightbbox(self.canvas.get_renderer()).padded(0.1)
        self._crop = (max(0, int(height - box.y1 * dpi)), min(height, int(height - box.y0 * dpi)),
                      max(0, int(box.x0 * dpi)), min(width, int(box.x1 * dpi) + 1))

    def pixels(self):
        """What the canvas shows, cropped: (H, W, 3) uint8 (the figure is opaque white)."""
        top, bottom, left, right = self._crop
        return np.asarray(self.canvas.buffer_rgba())[top:bottom, left:right, :3]

    def png(self):
        """The cropped canvas as PNG bytes."""
        return encode_png(self.pixels())

    def clear(self):
        """Show nothing (until the next `show`)."""
        self._png = None
        self.out.outputs = ()

    def show(self, key=None):
        """Render for `key` and put the image into `out` (nothing is sent if it is unchanged)."""
        self.render(key)
        png = self.png()
        if png != self._png:
            self._png = png
            height, width, _ = self.pixels().shape
            self.out.outputs = png_output(png, width, height)


class Explorer:
    """The base of every explorer in `scratch.widgets` (see the convention there).

    A subclass creates its controls as attributes, then calls `_build(controls, ...)`, and
    defines `update()` (set `summary.value`, then, if `self.figure`, update the figure's
    animated artists and call `self.figure.show(key)`) and, when it has a figure,
    `setup_figure(fig)` (build the axes and artists once). `example()` makes one with sample
    data, for the benchmark (benchmarks/bench_widgets.py) and the tests.
    """

    figure = None

    @classmethod
    def example(cls):
        """An explorer with sample settings; override when the constructor needs data."""
        return cls()

    def _build(self, controls, layout=None, figsize=None, figure_layout="tight"):
        """Create `summary`, `out`, the figure (when `figsize` is given) and `widget`, make each
        of `controls` call `update` on a change of its value, and update once.

        layout: the widgets above the summary (default: the controls in one row).
        """
        self._held = 0
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        if figsize is not None:
            self.figure = LiveFigure(self.out, figsize, layout=figure_layout)
            self.setup_figure(self.figure.fig)
        for control in controls:
            control.observe(self._on_change, names="value")
        top = layout if layout is not None else [widgets.HBox(list(controls))]
        for row in top:
            _whole_labels(row)
        self.widget = widgets.VBox([*top, self.summary, self.out])
        self.update()

    def setup_figure(self, fig):
        raise NotImplementedError(f"{type(self).__name__} has a figure but no setup_figure")

    def update(self):
        raise NotImplementedError(f"{type(self).__name__} must define update()")

    def _on_change(self, _change):
        if not self._held:
            self.update()

    @contextmanager
    def holding(self):
        """Change several controls at once: no update while inside, one update at the end.

        Without it, a control that resets another (a new optimizer resets the learning rate)
        would draw twice, the first time for a setting that never exists.
        """
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            self.update()


def explorer_classes():
    """[(name, class)] of every explorer in the scratch.widgets modules, in module order: each
    public Explorer subclass defined there (the benchmark and the tests find new explorers
    this way)."""
    package = importlib.import_module("scratch.widgets")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"scratch.widgets.{info.name}")
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and obj.__module__ == module.__name__
                    and not name.startswith("_") and issubclass(obj, Explorer)
                    and obj is not Explorer):
                found.append((name, obj))
    return found
