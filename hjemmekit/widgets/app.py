"""The app: a workbook picker and a stepper over the guidance's five steps.

``launch()`` is what ``workbook/app.ipynb`` calls. The stepper's buttons read
"Forrige"/"Næste" ("Previous"/"Next") and each step shows a heading with the
guidance's step title (UI contract in DESIGN.md).
"""

from __future__ import annotations

import base64
import logging
import os
import sys
import urllib.parse
from typing import Any

import ipywidgets as W

from hjemmekit import progress
from hjemmekit.i18n import LANGUAGES, t
from hjemmekit.session import Session, example_workbooks, start_session
from hjemmekit.widgets.base import (
    STACKED,
    StepView,
    css,
    esc,
    lock_inputs,
    message_html,
    paragraph,
    shared_layout,
    shared_style,
    static_html,
    upload_limit_attributes,
    upload_too_big,
)

EXAMPLE_PREFIX = "example:"
"""Picker values for example workbooks (ids never contain a colon)."""

STEP_VIEWS: dict[str, str] = {
    "context": "hjemmekit.widgets.context:ContextView",
    "goals": "hjemmekit.widgets.goals:GoalsView",
    "suitability": "hjemmekit.widgets.suitability:SuitabilityView",
    "arrangement": "hjemmekit.widgets.arrangement:ArrangementView",
    "trial": "hjemmekit.widgets.trial:TrialView",
}
"""Each step's view, as ``module:class``: a step's module is imported when the step is
first shown, so the first page (step 1) does not wait for the other steps' code."""


def step_view_class(step: str) -> type[StepView]:
    """The view class of ``step`` (its module imported now if it was not yet)."""
    import importlib

    module, _, name = STEP_VIEWS[step].partition(":")
    return getattr(importlib.import_module(module), name)


def preload_steps() -> None:
    """Import every step's view now (a pre-heated kernel does, while it waits for its
    visitor: see ``hjemmekit.serve.wait_for_request``)."""
    for step in STEP_VIEWS:
        step_view_class(step)


def step_view(step: str, session: Session, part: str | None = None) -> StepView:
    """The view of one step. ``part``: the part to show first, for a step in parts (step 5)."""
    cls = step_view_class(step)
    if part and "part" in cls.class_trait_names():
        return cls(session, part=part)
    return cls(session)


class App(W.VBox):
    """The whole workbook app over one :class:`Session`."""

    def __init__(self, session: Session, step: int = 0, part: str | None = None) -> None:
        super().__init__(layout=W.Layout(max_width="1100px", margin="0 auto", padding="0 16px"))
        self.add_class("hk-app")
        self.session = session
        self.step = step
        self.parts: dict[int, str] = {step: part} if part else {}
        """The part last shown of each step in parts (kept while the app runs)."""
        session.observe(self._on_session)
        self.render()

    def tr(self, key: str, **fields: Any) -> str:
        return t(key, self.session.lang, **fields)

    # --- building ------------------------------------------------------------------

    def render(self) -> None:
        """Build every part anew (another workbook, or another language)."""
        s = self.session
        # Only what the page shows is built: the parts that are hidden at first (the
        # conflict's buttons, the history, the sharing form off a hub) are made when first
        # shown, and static parts share their layout and style (``shared_layout``): every
        # widget is a message to the page and a model in it. tests/unit/test_app.py pins
        # the first page's widget count.
        self.lang = W.ToggleButtons(
            options=[(t("app.language_name", lang), lang) for lang in LANGUAGES],
            value=s.lang,
            description=self.tr("app.language"),
            style=shared_style(W.ToggleButtons, button_width="auto"),
            layout=shared_layout(),
        )
        self.lang.observe(lambda c: self._switch_lang(c["new"]), names="value")
        header = W.HBox(
            [
                static_html(
                    f"<header class='hk-header'><h1>{esc(self.tr('app.title'))}</h1>"
                    f"<p>{esc(self.tr('app.subtitle'))}</p></header>"
                ),
                self.lang,
            ],
            layout=shared_layout(justify_content="space-between", align_items="center"),
        )
        self.status = static_html("")
        self.status.add_class("hk-status")
        self.conflict = W.HBox(layout=W.Layout(display="none"))
        """The conflict's two buttons: made when a conflict first shows them."""
        self.progress = W.IntProgress(
            min=0, max=len(progress.STEPS), description=self.tr("app.progress"),
            style=shared_style(W.IntProgress, description_width="initial"),
            layout=shared_layout(),
        )
        self.progress_text = static_html("")
        self.nav = W.ToggleButtons(
            options=self._nav_options(), value=self.step, description=self.tr("app.steps"),
            style=shared_style(W.ToggleButtons, button_width="auto", description_width="initial"),
            layout=shared_layout(),
        )
        self.nav.add_class("hk-nav")
        self._syncing = False
        self.nav.observe(self._on_nav, names="value")
        self.heading = static_html("")
        self.body = W.VBox(layout=shared_layout(width="100%"))
        self.missing = static_html("")
        self.prev = self._button(self.tr("app.previous"))
        self.next = self._button(self.tr("app.next"), button_style="primary")
        self.prev.on_click(lambda _: self._step_button(-1))
        self.next.on_click(lambda _: self._step_button(1))
        footer = W.HBox([self.prev, self.next],
                        layout=shared_layout(justify_content="space-between"))
        footer.add_class("hk-footer")
        # The page template sets <html lang> from this marker (the app's language) and
        # refuses uploads above the limit with its message, before they are sent.
        lang_marker = static_html(
            f"<span data-hk-lang='{esc(s.lang)}' {upload_limit_attributes(s.lang)}></span>",
            display="none",
        )
        row = shared_layout(align_items="center")
        self.children = [
            css(),
            lang_marker,
            header,
            *self._notices(),
            self._workbook_panel(),
            self._sharing_panel(),
            W.HBox([self.status, self.conflict], layout=row),
            W.HBox([self.progress, self.progress_text], layout=row),
            self.nav,
            self.heading,
            self.body,
            self.missing,
            footer,
        ]
        self._show_step()
        self._update_status()

    # --- access: who may do what (hjemmekit.access) ----------------------------------

    @staticmethod
    def _button(description: str, **kwargs: Any) -> W.Button:
        """A button whose layout code never changes (shared layout and style)."""
        layout = shared_layout(width=kwargs.pop("width")) if "width" in kwargs else (
            shared_layout())
        return W.Button(description=description, layout=layout, style=shared_style(W.Button),
                        **kwargs)

    def _notices(self) -> list[W.HTML]:
        """``?workbook=ID`` the user may not open (says so, showing nothing of it) and a
        workbook shared to read: one notice widget, and none when there is neither.
        ``denied`` and ``read_only_banner`` are that widget (or None)."""
        s = self.session
        html = ""
        if s.denied:
            text = t("access.denied_read", s.lang, id=s.denied)
            html += (
                f"<div class='hk-denied' role='alert'><p>{esc(text)}</p>"
                f"<p>{esc(self.tr('app.denied_choose'))}</p></div>"
            )
        if s.read_only:
            owner = s.workbook.owner or self.tr("app.owner_unknown")
            html += (
                f"<div class='hk-readonly' role='note'><strong>"
                f"{esc(self.tr('app.read_only_title'))}</strong> "
                f"{esc(self.tr('app.read_only_text', owner=owner))}</div>"
            )
        notice = static_html(html) if html else None
        self.denied = notice if s.denied else None
        self.read_only_banner = notice if s.read_only else None
        return [notice] if notice is not None else []

    def _picker_label(self, info: Any) -> str:
        label = (f"{info.title or self.tr('app.untitled')} "
                 f"({info.organisation or '–'}, rev. {info.revision})")
        if info.access in ("read", "edit"):
            return self.tr("app.picker_shared", label=label, owner=info.owner or "–",
                           access=self.tr(f"app.access_{info.access}"))
        return label

    def _sharing_panel(self) -> W.Widget:
        """Who the workbook is shared with; the owner shares and stops sharing. Only on a
        hub (locally there is no one to share with); and the history, who saved what."""
        s = self.session
        self.history_box: W.HTML | None = None
        """The kept revisions: made when first shown."""
        self.history_toggle = self._button(self.tr("app.history_show"), width="auto")
        self.history_toggle.on_click(lambda _: self.toggle_history())
        parts: list[W.Widget] = []
        if s.store.hosted:  # locally there is no one to share with
            self.share_list = W.VBox(layout=shared_layout())
            self.share_message = static_html("")
            owner = s.workbook.owner or self.tr("app.owner_unknown")
            if s.is_owner:
                who = self.tr("app.owner_you")
            else:  # who else it is shared with is the owner's business only
                who = self.tr("app.owner_other", owner=owner,
                              access=self.tr(f"app.access_{s.access}"))
            parts.append(W.HTML(f"<h2 class='hk-h3'>{esc(self.tr('app.sharing'))}</h2>"
                                f"<p class='hk-help'>{esc(who)}</p>"))
            if s.is_owner:
                self.share_kind = W.Dropdown(
                    options=[(self.tr("app.share_user"), "user"),
                             (self.tr("app.share_group"), "group")],
                    value="user", description=self.tr("app.share_kind"),
                    layout=W.Layout(width="auto"),
                )
                self.share_name = W.Text(description=self.tr("app.share_name"),
                                         layout=W.Layout(width="auto"))
                self.share_access = W.Dropdown(
                    options=[(self.tr("app.access_read"), "read"),
                             (self.tr("app.access_edit"), "edit")],
                    value="read", description=self.tr("app.share_access"),
                    layout=W.Layout(width="auto"),
                )
                for w in (self.share_kind, self.share_name, self.share_access):
                    w.add_class(STACKED)
                self.share_button = W.Button(description=self.tr("app.share_button"),
                                             button_style="primary",
                                             layout=W.Layout(width="auto"))
                self.share_button.on_click(lambda _: self.share())
                form = W.HBox(
                    [self.share_kind, self.share_name, self.share_access, self.share_button],
                    layout=W.Layout(flex_flow="row wrap", align_items="flex-end"),
                )
                parts += [paragraph(self.tr("app.share_help")), form, self.share_message,
                          self.share_list]
                self._update_shares()
        parts.append(self.history_toggle)
        self.sharing = W.VBox(parts, layout=shared_layout(width="100%"))
        self.sharing.add_class("hk-card")
        self.sharing.add_class("hk-sharing")
        return self.sharing

    def _update_shares(self) -> None:
        """The owner's list of shares, each with a "Stop deling" button."""
        s = self.session
        if not (s.store.hosted and s.is_owner):
            return
        shares = s.workbook.shares
        if not shares:
            self.share_list.children = [paragraph(self.tr("app.shared_with_nobody"))]
            return
        rows: list[W.Widget] = [W.HTML(f"<p class='hk-h4'>{esc(self.tr('app.shared_with'))}"
                                       "</p>")]
        self.unshare_buttons: dict[tuple[str, str], W.Button] = {}
        for share in shares:
            text = self.tr(f"app.share_line_{share.kind}", name=share.name,
                           access=self.tr(f"app.access_{share.access}"))
            b = W.Button(description=self.tr("app.unshare", name=share.name),
                         layout=W.Layout(width="auto"))
            b.on_click(lambda _, k=share.kind, n=share.name: self.unshare(k, n))
            self.unshare_buttons[(share.kind, share.name)] = b
            rows.append(W.HBox([W.HTML(f"<span class='hk-share'>{esc(text)}</span>"), b],
                               layout=W.Layout(align_items="center")))
        self.share_list.children = rows

    def share(self) -> bool:
        """Share with the user or group named in the form (owner only). A user name is
        lower-cased as JupyterHub does (``Bob`` reaches bob); a group name is kept as
        typed. A name that cannot be one gets a message in place."""
        from hjemmekit.access import ShareNameError, share_name

        kind, level = self.share_kind.value, self.share_access.value
        try:
            if not self.share_name.value.strip():
                raise ValueError(self.tr("app.share_name_missing"))
            name = share_name(kind, self.share_name.value)
        except ValueError as e:
            text = e.message(self.session.lang) if isinstance(e, ShareNameError) else str(e)
            self.share_message.value = self._message(text, True)
            self.share_name.focus()
            return False
        ok = self.session.share(kind, name, level)
        if ok:  # the form is ready for the next one, at the safer level
            self.share_name.value = ""
            self.share_access.value = "read"
            self.share_message.value = self._message(self.tr(
                f"app.shared_{kind}", name=name, access=self.tr(f"app.access_{level}")))
        else:
            self.share_message.value = self._message(self._status_text(), True)
        return ok

    def unshare(self, kind: str, name: str) -> bool:
        ok = self.session.unshare(kind, name)  # type: ignore[arg-type]
        if ok:
            self.share_message.value = self._message(self.tr("app.unshared", name=name))
            if hasattr(self, "share_name"):
                self.share_name.focus()
        else:
            self.share_message.value = self._message(self._status_text(), True)
        return ok

    @staticmethod
    def _message(text: str, error: bool = False) -> str:
        from hjemmekit.widgets.base import message_html

        return message_html(text, error)

    def toggle_history(self) -> None:
        """Show (read anew) or hide the kept revisions: when and who saved each."""
        if self.history_box is None:
            self.history_box = W.HTML(layout=W.Layout(display="none"),
                                      style=shared_style(W.HTML))
            self.sharing.children = (*self.sharing.children, self.history_box)
        elif self.history_box.layout.display != "none":
            self.history_box.layout.display = "none"
            self.history_toggle.description = self.tr("app.history_show")
            return
        from hjemmekit.i18n import moment

        rows = "".join(
            f"<tr><td>{e.revision}</td>"
            f"<td>{esc(moment(e.updated, self.session.lang) if e.updated else '–')}</td>"
            f"<td>{esc(e.by or self.tr('app.history_unknown'))}</td></tr>"
            for e in self.session.history()
        )
        self.history_box.value = (
            f"<table class='hk-table hk-history'><caption>{esc(self.tr('app.history'))}"
            f"</caption><thead><tr><th scope='col'>{esc(self.tr('app.history_revision'))}</th>"
            f"<th scope='col'>{esc(self.tr('app.history_saved'))}</th>"
            f"<th scope='col'>{esc(self.tr('app.history_by'))}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
        self.history_box.layout.display = "block"
        self.history_toggle.description = self.tr("app.history_hide")

    def _status_text(self) -> str:
        st = self.session.status
        fields = dict(st.fields)
        if st.saved_at is not None:
            from hjemmekit.i18n import moment

            fields["time"] = moment(st.saved_at, self.session.lang)
        return self.tr(st.key, **fields) if fields else self.tr(st.key)

    def _nav_options(self) -> list[tuple[str, int]]:
        todo = progress.missing(self.session.workbook)
        opts = []
        for i, step in enumerate(progress.STEPS):
            mark = "✓ " if not todo[step] else ""
            opts.append((f"{mark}{i + 1}. {self.tr(f'steps.{step}_short')}", i))
        return opts

    def _workbook_panel(self) -> W.Widget:
        s = self.session
        title = W.Text(
            value=s.workbook.title, description=self.tr("app.workbook_title"),
            continuous_update=True, layout=shared_layout(width="100%"),
            style=shared_style(W.Text),
        )
        title.add_class(STACKED)
        title.observe(
            lambda c: s.edit(lambda wb: setattr(wb, "title", c["new"]), typing=True), names="value"
        )
        org = W.Text(
            value=s.workbook.organisation, description=self.tr("app.organisation"),
            continuous_update=True, layout=shared_layout(width="100%"),
            style=shared_style(W.Text),
        )
        org.add_class(STACKED)
        org.observe(
            lambda c: s.edit(lambda wb: setattr(wb, "organisation", c["new"]), typing=True),
            names="value",
        )
        self.title_input = title
        if s.read_only:
            title.disabled = org.disabled = True
        infos = sorted(s.store.list(), reverse=True,
                       key=lambda i: i.updated.timestamp() if i.updated else 0.0)
        options = [(self._picker_label(i), i.id) for i in infos if i.problem is None]
        if s.workbook.id not in {v for _, v in options}:
            options.insert(0, (s.workbook.title or self.tr("app.untitled"), s.workbook.id))
        options += [
            (self.tr("app.example_copy", name=self.tr(f"app.example_{name}")),
             f"{EXAMPLE_PREFIX}{name}")
            for name in example_workbooks()
        ]
        picker = W.Dropdown(
            options=options, value=s.workbook.id, description=self.tr("app.open"),
            style=shared_style(W.Dropdown, description_width="initial"),
            layout=shared_layout(width="auto"),
        )
        # Choosing in the list only selects; the button opens (no change of context on
        # input, WCAG 3.2.2: arrow keys in the list must not swap the workbook).
        self.open_button = self._button(self.tr("app.open_button"), disabled=True,
                                        width="auto")
        self.open_button.on_click(lambda _: self._open_picked(self.picker.value))
        picker.observe(
            lambda c: setattr(self.open_button, "disabled", c["new"] == s.workbook.id),
            names="value",
        )
        self.picker = picker
        new = self._button(self.tr("app.new"), icon="plus")
        new.on_click(lambda _: self._new_workbook())
        upload = W.FileUpload(
            accept=".json,application/json", multiple=False, description=self.tr("app.upload"),
            layout=shared_layout(width="auto"), style=shared_style(W.FileUpload),
        )
        upload.observe(self._on_upload, names="value")
        self.report_button = self._button(
            self.tr("report.app_make"), icon="", tooltip=self.tr("report.app_help"),
            width="auto",
        )
        self.report_button.on_click(lambda _: self.make_report())
        self.report_links = static_html("")
        self.download = static_html("")
        self._update_download()
        wrap = shared_layout(flex_flow="row wrap", align_items="center")
        row = W.HBox([picker, self.open_button, new, upload, self.download], layout=wrap)
        row.add_class("hk-picker")
        report_row = W.HBox([self.report_button, self.report_links], layout=wrap)
        report_row.add_class("hk-report")
        self.upload_message = static_html("")
        box = W.VBox([W.HBox([title, org], layout=shared_layout()), row, self.upload_message,
                      report_row], layout=shared_layout())
        box.add_class("hk-workbook")
        return box

    def _conflict_buttons(self) -> list[W.Button]:
        reload = self._button(self.tr("app.conflict_reload"), button_style="warning")
        keep = self._button(self.tr("app.conflict_keep"))
        reload.on_click(lambda _: self._after_switch(self.session.reload))
        keep.on_click(lambda _: self._after_switch(self.session.keep_as_copy))
        return [reload, keep]

    # --- reacting ------------------------------------------------------------------

    def _on_session(self, event: str) -> None:
        if event in ("workbook", "lang"):
            self.render()
        elif event == "status":
            self._update_status()
        elif event == "shares":
            self._update_shares()

    # Re-rendering replaces the inputs, and the focus would fall back to the page's start:
    # after an action from the keyboard, the focus goes where the user carries on.

    def _after_switch(self, action: Any) -> None:
        """Run ``action`` (new, reload, keep as copy); then the cursor is in the title."""
        action()
        self.title_input.focus()

    def _switch_lang(self, lang: str) -> None:
        """Another language rebuilds the app; the cursor goes to the title, the first
        field after the language switch (the switch itself cannot take the focus)."""
        self._after_switch(lambda: self.session.set_lang(lang))

    def _new_workbook(self) -> None:
        self._after_switch(self.session.new)

    def _open_picked(self, workbook_id: str | None) -> None:
        """Open the workbook chosen in the picker (an example opens as a new copy); the
        focus stays on the (new) picker."""
        if not workbook_id:
            return
        if workbook_id.startswith(EXAMPLE_PREFIX):
            opened = self.session.open_example(workbook_id.removeprefix(EXAMPLE_PREFIX))
        else:
            opened = self.session.open(workbook_id)
        if opened:
            self.picker.focus()  # the picker of the rebuilt app

    def _step_button(self, delta: int) -> None:
        """Previous/Next: a button that becomes disabled loses the focus; give it to the
        other one."""
        self.go(self.step + delta)
        if delta < 0 and self.prev.disabled:
            self.next.focus()
        elif delta > 0 and self.next.disabled:
            self.prev.focus()

    def _on_nav(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self.go(change["new"])

    def _on_upload(self, change: dict[str, Any]) -> None:
        files_ = change["new"]
        if not files_:
            return
        too_big = upload_too_big(files_, self.session.lang)
        if too_big:
            self.upload_message.value = message_html(too_big, error=True)
            return
        self.upload_message.value = ""
        f = files_[0]
        self.session.upload(f["name"], bytes(f["content"]))

    def make_report(self) -> None:
        """Build the decision document (HTML and Word) now and offer both as downloads."""
        from hjemmekit import document, report, trialdata
        from hjemmekit.report_docx import docx_from

        s = self.session
        wb = s.workbook
        try:
            doc = document.build(wb, s.lang, trialdata.for_workbook(s.store, wb, s.lang))
            files = [
                ("html", "text/html;charset=utf-8", report.html_from(doc).encode("utf-8")),
                ("docx", "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document", docx_from(doc)),
            ]
        except Exception as e:  # noqa: BLE001 - a message in the app, never a traceback
            problem = str(e).splitlines()[0] if str(e) else type(e).__name__
            self.report_links.value = (
                f"<p class='hk-error' role='alert'>"
                f"{esc(self.tr('report.app_failed', problem=problem))}</p>"
            )
            return
        links = "".join(
            f"<a class='hk-link-button' download='{esc(document.file_name(wb, fmt))}' "
            f"href='data:{mime};base64,{base64.b64encode(data).decode('ascii')}'>"
            f"{esc(self.tr(f'report.app_download_{fmt}'))}</a> "
            for fmt, mime, data in files
        )
        made = esc(self.tr("report.app_made", revision=wb.revision))
        self.report_links.value = f"{links}<span role='status'>{made}</span>"

    def _update_download(self) -> None:
        if hasattr(self, "report_links"):
            self.report_links.value = ""  # made from an older version: make it again
        name, data = self.session.download()
        href = "data:application/json;base64," + base64.b64encode(data).decode("ascii")
        self.download.value = (
            f"<a class='hk-link-button' download='{esc(name)}' href='{href}'>"
            f"{esc(self.tr('app.download'))}</a>"
        )

    def _update_status(self) -> None:
        st = self.session.status
        text = self._status_text()
        self.status.value = (
            f"<div role='status' aria-live='polite' class='hk-status-{st.state}'>"
            f"{esc(text)}</div>"
        )
        if st.state == "conflict" and not self.conflict.children:
            self.conflict.children = self._conflict_buttons()
        self.conflict.layout.display = "flex" if st.state == "conflict" else "none"
        if st.state == "saved":
            self._update_download()
        self._update_progress()

    def _update_progress(self) -> None:
        done = progress.done_steps(self.session.workbook)
        self.progress.value = done
        self.progress_text.value = (
            f"<span class='hk-progress-text'>"
            f"{esc(self.tr('app.progress_text', done=done, total=len(progress.STEPS)))}</span>"
        )
        options = self._nav_options()
        if [o[0] for o in options] != [o[0] for o in self.nav.options]:
            # Replacing the options resets the value; don't take that for navigation.
            self._syncing = True
            try:
                self.nav.options = options
                self.nav.value = self.step
            finally:
                self._syncing = False
        step = progress.STEPS[self.step]
        items = progress.missing(self.session.workbook)[step]
        if items:
            lis = "".join(
                f"<li>{esc(self.tr('progress.' + m.key, **m.fields))}</li>" for m in items
            )
            self.missing.value = (
                f"<section class='hk-missing' aria-label='{esc(self.tr('app.missing'))}'>"
                f"<h3>{esc(self.tr('app.missing'))}</h3><ul>{lis}</ul></section>"
            )
        else:
            self.missing.value = (
                f"<p class='hk-complete'>{esc(self.tr('app.step_complete'))}</p>"
            )

    # --- navigation ----------------------------------------------------------------

    def go(self, step: int) -> None:
        """Show step ``step`` (0-4); out-of-range values are clamped."""
        step = max(0, min(len(progress.STEPS) - 1, step))
        if step == self.step and self.body.children:
            return
        self.step = step
        if self.nav.value != step:
            self.nav.value = step
        self._show_step()
        self._update_progress()

    def _show_step(self) -> None:
        step = progress.STEPS[self.step]
        view = step_view(step, self.session, self.parts.get(self.step))
        self.view = view
        if view.has_trait("part"):
            view.observe(self._on_part, names="part")
        self._show_heading()
        self.body.children = [view]
        n = len(progress.STEPS)
        if self.session.read_only:  # shared to read: every input of the step disabled
            lock_inputs(self.body)
        self.prev.disabled = self.step == 0
        self.next.disabled = self.step == n - 1

    def _on_part(self, change: dict[str, Any]) -> None:
        self.parts[self.step] = change["new"]
        self._show_heading()

    def _show_heading(self) -> None:
        """The step's heading: "Trin 5 af 5 · Resultater" above the guidance's title."""
        step = progress.STEPS[self.step]
        n = len(progress.STEPS)
        part = getattr(self.view, "part", None) if self.view.has_trait("part") else None
        where = (self.tr("app.step_of_part", no=self.step + 1, total=n,
                         part=self.tr(f"{step}.part_{part}")) if part
                 else self.tr("app.step_of", no=self.step + 1, total=n))
        self.heading.value = (
            f"<h2 class='hk-step-title'><span class='hk-step-no'>{esc(where)}</span> "
            f"{esc(self.tr(f'steps.{step}_title'))}</h2>"
        )


def log_to_server() -> None:
    """Send hjemmekit's log (e.g. ``hjemmekit.access``'s refusals) to the kernel
    process's own stderr, which the server's log shows, never into the page."""
    log = logging.getLogger("hjemmekit")
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter("[%(levelname)s %(asctime)s %(name)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def launch(store_dir: str | None = None) -> App | W.VBox:
    """The app as ``workbook/app.ipynb`` shows it, configured from the environment.

    ``HJEMMEKIT_STORE`` names the store folder (``HJEMMEKIT_STORE_URL`` the hub's store
    service instead; see :func:`hjemmekit.access.open_store`), ``HJEMMEKIT_EXAMPLE`` an
    example workbook to copy when the store is empty; ``?workbook=ID`` in the page's
    address opens that workbook if the user may open it, ``&step=N`` (1-5) at that step,
    ``&part=P`` at that part of it (step 5: ``design``, ``data``, ``results``,
    ``reflection``). When the store service cannot be reached, a message in place of the
    app says so (no traceback).
    """
    from hjemmekit.store_client import StoreUnavailableError

    log_to_server()
    query = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    try:
        session = start_session(
            store_dir,
            workbook_id=(query.get("workbook") or [None])[0],
            example=os.environ.get("HJEMMEKIT_EXAMPLE") or None,
        )
    except StoreUnavailableError as e:
        logging.getLogger("hjemmekit.app").error("store service: %s (%s)", e, e.detail)
        return W.VBox([css(), W.HTML(message_html(str(e), error=True))])
    step = (query.get("step") or ["1"])[0]
    part = (query.get("part") or [None])[0]
    return App(session, step=int(step) - 1 if step.isdigit() else 0, part=part)
