"""Small building blocks shared by the step views: labelled, bound inputs.

A view never keeps parts of the document: every getter and setter goes through
``session.workbook``, so a reload or another workbook is picked up by rebuilding the
view. Setters run inside :meth:`Session.edit`, which validates and autosaves.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from importlib.resources import files
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_description import DescriptionWidget

from hjemmekit.i18n import t
from hjemmekit.model import Workbook
from hjemmekit.session import Session

Getter = Callable[[Workbook], Any]
Setter = Callable[[Workbook, Any], None]

def _no_null_tooltip(widget: W.Widget, _previous=W.Widget._widget_construction_callback) -> None:
    """ipywidgets 8.1 writes a missing tooltip into the label's title as the text "null",
    which screen readers then read out (jupyter-widgets/ipywidgets#3921). Labelled
    widgets get an empty tooltip instead. Runs before the widget's comm opens, so it
    costs no message; a callback registered before ours still runs."""
    if isinstance(widget, DescriptionWidget) and widget.tooltip is None:
        widget.tooltip = ""
    if callable(_previous):
        _previous(widget)


W.Widget.on_widget_constructed(_no_null_tooltip)

STACKED = "hk-stacked"
"""CSS class: the description label sits above the input, full width."""


# --- shared layouts and styles ---------------------------------------------------------
# Every ipywidgets widget comes with a Layout model and most with a Style model of their
# own: three models (and three messages, and three objects in the page) for one paragraph.
# Static parts share one frozen Layout (per set of properties) and one Style (per style
# class): the first page holds a third of the models it did.


class _Frozen:
    """Mixin: once frozen, the synced properties cannot change (they are shared)."""

    _hk_frozen = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._hk_frozen and name in self.keys:  # type: ignore[attr-defined]
            raise AttributeError(
                f"{type(self).__name__}.{name}: a shared layout or style cannot change "
                "(it would change every widget sharing it); give the widget its own"
            )
        super().__setattr__(name, value)


class SharedLayout(_Frozen, W.Layout):
    """A layout several widgets share; it cannot change."""


_shared: dict[Any, W.Widget] = {}


def _frozen(key: Any, make: Callable[[], W.Widget]) -> Any:
    widget = _shared.get(key)
    if widget is None or widget.comm is None:  # none yet, or closed (Widget.close_all)
        widget = make()
        widget._hk_frozen = True
        _shared[key] = widget
    return widget


def shared_layout(**properties: str) -> W.Layout:
    """One frozen layout for every widget with these ``properties`` (none: the default
    layout). For a widget that is never shown, hidden or resized by code."""
    return _frozen(("layout", tuple(sorted(properties.items()))),
                   lambda: SharedLayout(**properties))


_style_classes: dict[type, type] = {}


def shared_style(widget_class: type[W.DOMWidget], **properties: str) -> W.Style:
    """One frozen style for every widget of ``widget_class`` (HTML, Button, ...) with these
    ``properties`` (none: the default style)."""
    style_class = widget_class.style.klass  # type: ignore[attr-defined]

    def make() -> W.Style:
        if style_class not in _style_classes:
            _style_classes[style_class] = type(
                f"Shared{style_class.__name__}", (_Frozen, style_class), {})
        return _style_classes[style_class](**properties)

    return _frozen(("style", style_class, tuple(sorted(properties.items()))), make)


def static_html(value: str, **layout: str) -> W.HTML:
    """An HTML widget that code never hides or resizes: shared layout and style."""
    return W.HTML(value, layout=shared_layout(**layout), style=shared_style(W.HTML))


@cache
def _css_text() -> str:
    return files("hjemmekit.widgets").joinpath("app.css").read_text(encoding="utf-8")


class _SharedHTML(_Frozen, W.HTML):
    """An HTML widget shown in several places; it cannot change."""


def css() -> W.HTML:
    """The app's style sheet as a hidden element, so views look right in JupyterLab too.
    One widget, shared by the app and every view (the page gets the sheet once)."""
    return _frozen(("css",), lambda: _SharedHTML(
        f"<style>{_css_text()}</style>", layout=shared_layout(display="none"),
        style=shared_style(W.HTML),
    ))


def walk(widget: W.Widget) -> Iterator[W.Widget]:
    """Every widget in the tree below ``widget``, itself included (depth first)."""
    stack = [widget]
    while stack:
        w = stack.pop()
        yield w
        stack.extend(getattr(w, "children", ()))


def find_widgets(
    widget: W.Widget,
    cls: type | tuple[type, ...],
    predicate: Callable[[Any], bool] = lambda w: True,
) -> list[Any]:
    """The widgets of type ``cls`` below ``widget`` for which ``predicate`` holds."""
    return [w for w in walk(widget) if isinstance(w, cls) and predicate(w)]


VIEW_ONLY = "hk-view-only"
"""Class of a control that only changes what is shown (a case picker, "Evaluér"): it
stays usable in a workbook the user may only read."""


def lock_inputs(root: W.Widget) -> None:
    """Disable every input below ``root`` (a workbook shared to read), also those built
    later (a panel opened, results shown); controls marked :data:`VIEW_ONLY` stay."""
    for w in walk(root):
        if w.has_trait("disabled") and VIEW_ONLY not in getattr(w, "_dom_classes", ()):
            w.disabled = True
        if w.has_trait("children") and not getattr(w, "_hk_locked", False):
            w._hk_locked = True
            w.observe(lambda c: [lock_inputs(x) for x in c["new"]], names="children")


def esc(text: object) -> str:
    """User text made safe for an HTML widget (never interpreted as markup)."""
    return html.escape(str(text), quote=True)


def message_html(message: str, error: bool = False) -> str:
    """A message shown in place: an error (announced at once) or a status line."""
    if not message:
        return ""
    if error:
        return f"<p class='hk-error' role='alert'>{esc(message)}</p>"
    return f"<p class='hk-help' role='status'>{esc(message)}</p>"


def _megabytes(size: float, lang: str) -> str:
    from hjemmekit.i18n import number

    mb = size / (1024 * 1024)
    return f"{number(mb, lang, 0 if mb >= 10 else 1)} MB"


def upload_too_big(files: Sequence[Any], lang: str) -> str | None:
    """The message for the first uploaded file above the app's limit, else None. (The
    page refuses such files before sending them; this is the kernel's own check.)"""
    from hjemmekit.serve import UPLOAD_LIMIT_BYTES

    for f in files:
        size = int(f.get("size") or len(f.get("content") or b""))
        if size > UPLOAD_LIMIT_BYTES:
            return t("app.upload_too_big", lang, name=str(f.get("name", "")),
                     size=_megabytes(size, lang), limit=_megabytes(UPLOAD_LIMIT_BYTES, lang))
    return None


def upload_limit_attributes(lang: str) -> str:
    """HTML attributes for the page's upload check (the template's script): the limit in
    bytes and the message, with ``{name}`` and ``{size}`` left for the script to fill."""
    from hjemmekit.serve import UPLOAD_LIMIT_BYTES

    text = t("app.upload_too_big", lang, name="{name}", size="{size}",
             limit=_megabytes(UPLOAD_LIMIT_BYTES, lang))
    return f"data-hk-upload-limit='{UPLOAD_LIMIT_BYTES}' data-hk-upload-too-big='{esc(text)}'"


def problem_text(error: BaseException, lang: str) -> str:
    """What went wrong, for a message in place: a refusal of access in the app's
    language, else the error's own text."""
    from hjemmekit.access import AccessDeniedError

    if isinstance(error, AccessDeniedError):
        return error.message(lang)
    return str(error)


def heading_html(text: str, level: int = 3) -> str:
    return f"<h{level} class='hk-h{level}'>{esc(text)}</h{level}>"


def paragraph_html(text: str, css: str = "hk-help") -> str:
    return f"<p class='{css}'>{esc(text)}</p>"


def heading(text: str, level: int = 3) -> W.HTML:
    """A heading (static: to hide it, build a ``W.HTML`` with a layout of its own)."""
    return static_html(heading_html(text, level))


def paragraph(text: str, css: str = "hk-help", *, layout: W.Layout | None = None) -> W.HTML:
    """A paragraph; static (shared layout) unless given a ``layout`` of its own."""
    if layout is not None:
        return W.HTML(paragraph_html(text, css), layout=layout, style=shared_style(W.HTML))
    return static_html(paragraph_html(text, css))


def _bind(session: Session, widget: W.ValueWidget, get: Getter, set_: Setter, typing: bool):
    widget.value = get(session.workbook)

    def changed(change: dict[str, Any]) -> None:
        value = change["new"]
        session.edit(lambda wb: set_(wb, value), typing=typing)

    widget.observe(changed, names="value")
    return widget


def text(
    session: Session,
    label: str,
    get: Getter,
    set_: Setter,
    *,
    multiline: bool = False,
    placeholder: str = "",
    rows: int = 4,
) -> W.Text | W.Textarea:
    """A labelled text input bound to the document (saved while typing)."""
    if multiline:
        widget: W.Text | W.Textarea = W.Textarea(
            description=label, placeholder=placeholder, rows=rows, continuous_update=True,
            layout=shared_layout(width="100%"), style=shared_style(W.Textarea),
        )
    else:
        widget = W.Text(
            description=label, placeholder=placeholder, continuous_update=True,
            layout=shared_layout(width="100%"), style=shared_style(W.Text),
        )
    widget.add_class(STACKED)
    return _bind(session, widget, lambda wb: get(wb) or "", set_, typing=True)


def checkbox(session: Session, label: str, get: Getter, set_: Setter) -> W.Checkbox:
    widget = W.Checkbox(description=label, indent=False, layout=shared_layout(width="auto"),
                        style=shared_style(W.Checkbox))
    return _bind(session, widget, get, set_, typing=False)


def choice(
    session: Session,
    label: str,
    options: Sequence[tuple[str, Any]],
    get: Getter,
    set_: Setter,
    *,
    buttons: bool = False,
) -> W.Dropdown | W.ToggleButtons:
    """A labelled choice among ``(label, value)`` options."""
    cls = W.ToggleButtons if buttons else W.Dropdown
    widget = cls(description=label, options=list(options), style={"description_width": "initial"})
    return _bind(session, widget, get, set_, typing=False)


def lang_text(session: Session) -> Callable[..., str]:
    """``tr("domain.key", **fields)`` in the session's language."""
    return lambda key, **fields: t(key, session.lang, **fields)


class StepView(W.VBox):
    """Base of the five step views: built once per workbook and language."""

    step: str = ""

    def __init__(self, session: Session) -> None:
        super().__init__(layout=shared_layout(width="100%"))
        self.session = session
        self.tr = lang_text(session)
        self.add_class("hk-step")
        self.add_class(f"hk-step-{self.step}")
        self.add_class("hk-app")
        self.rebuild()

    def rebuild(self) -> None:
        """Build the view's children anew from the document."""
        self.children = (css(), *self.build())

    def build(self) -> list[W.Widget]:  # pragma: no cover - every step overrides it
        raise NotImplementedError


class Fold(W.VBox):
    """A disclosure, collapsed at first: a button that shows or hides the part below it.

    ``make`` builds the body the first time it is opened (so what is never opened costs
    nothing); ``on_open`` runs at every opening. The button reads ``show`` or ``hide``;
    its classes ``hk-fold-toggle`` and ``hk-open`` give it ``aria-expanded`` in the app
    (the page template sets it).
    """

    def __init__(self, show: str, hide: str, make: Callable[[], Sequence[W.Widget]],
                 on_open: Callable[[], None] | None = None) -> None:
        super().__init__(layout=W.Layout(width="100%"))
        self.add_class("hk-fold")
        self._labels = (show, hide)
        self._make: Callable[[], Sequence[W.Widget]] | None = make
        self._on_open = on_open
        self.toggle = W.Button(description=show, icon="",
                               layout=W.Layout(width="auto", align_self="flex-start"))
        self.toggle.add_class("hk-fold-toggle")
        self.toggle.add_class(VIEW_ONLY)  # opening a fold changes nothing
        self.toggle.on_click(lambda _: self.collapse() if self.is_open else self.expand())
        self.body = W.VBox(layout=W.Layout(width="100%", display="none"))
        self.body.add_class("hk-fold-body")
        self.children = [self.toggle, self.body]

    @property
    def is_open(self) -> bool:
        return self.body.layout.display != "none"

    def expand(self) -> None:
        """Show the body (built now the first time)."""
        if self._make is not None:
            self.body.children = tuple(self._make())
            self._make = None
        self.body.layout.display = ""
        self.toggle.description = self._labels[1]
        self.toggle.add_class("hk-open")
        if self._on_open is not None:
            self._on_open()

    def collapse(self) -> None:
        self.body.layout.display = "none"
        self.toggle.description = self._labels[0]
        self.toggle.remove_class("hk-open")
