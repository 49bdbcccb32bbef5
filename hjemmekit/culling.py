"""Stopping the kernels of pages that are gone (``hjemmekit serve --idle-timeout``).

jupyter_server's culler stops a kernel that has no connection and no activity for
``cull_idle_timeout`` seconds. A Voilà page's kernel, though, has no connection *yet* while
the page is still loading after the kernel ran the app: under load (many visitors at once
on 2 cores) that gap lasted more than a minute, and a short timeout stopped kernels whose
pages were about to use them. So here a kernel that has never had a page connected gets
``never_connected_timeout`` (at least the idle timeout) before it counts as abandoned; once
a page has connected, the idle timeout runs from when it left: jupyter_server counts from
the kernel's last activity, so a page read quietly for longer than the timeout whose
websocket blipped (a missed ping under load, a network hiccup) lost its kernel at the next
cull pass, seconds after it went away.

Imported by the Voilà server only (never by a kernel): it imports jupyter_server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer


class PageKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, with a grace time for pages still loading."""

    never_connected_timeout = Integer(
        300,
        config=True,
        help="Seconds a kernel that never had a page connected is kept (at least the cull "
        "idle timeout): its page may still be loading.",
    )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._ever_connected: set[str] = set()
        self._first_seen: dict[str, datetime] = {}
        self._left: dict[str, datetime] = {}

    def notify_connect(self, kernel_id: str) -> None:
        """A page (or another client) connected to the kernel's websocket."""
        self._ever_connected.add(kernel_id)
        super().notify_connect(kernel_id)

    def notify_disconnect(self, kernel_id: str) -> None:
        """A page's websocket closed: the idle timeout runs from now."""
        self._left[kernel_id] = datetime.now(UTC)
        super().notify_disconnect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull as jupyter_server does, except a never-connected kernel within its grace
        and a kernel whose page left less than the idle timeout ago."""
        now = datetime.now(UTC)
        left = self._left.get(kernel_id)
        if left is not None and now - left < timedelta(seconds=self.cull_idle_timeout):
            return
        if kernel_id not in self._ever_connected:
            first = self._first_seen.setdefault(kernel_id, now)
            grace = max(self.never_connected_timeout, self.cull_idle_timeout)
            if now - first < timedelta(seconds=grace):
                return
        await super().cull_kernel_if_idle(kernel_id)

    def remove_kernel(self, kernel_id: str) -> object:
        """Forget the kernel's bookkeeping with the kernel."""
        self._ever_connected.discard(kernel_id)
        self._first_seen.pop(kernel_id, None)
        self._left.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)
