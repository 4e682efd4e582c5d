"""The served folder's search seed, built in the background once the server listens.

Every user of ``tui-reader serve --stories DIR`` reads the same stories. Without a seed, each
new user's first reader parses all of them to build its own search index (seconds of CPU for a
big folder, and memory in each session meanwhile). The server starts ``python -m
tui_reader.library.build --seed`` for the folder instead (:mod:`tui_reader.library.search_seed`):
new users' readers copy the seed and read only what changed since. It runs beside the
sessions, never before the first one: the first build of a big folder takes seconds, and a
reader that starts before it is done reads the files itself, as without a seed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from tui_reader.library.build import seed_command
from tui_reader.library.index import LibraryIndex

log = logging.getLogger("tui_reader.serve")

__all__ = ["Seeding"]


class Seeding:
    """The seed build of one folder: :meth:`start` it, :meth:`stop` it on shutdown."""

    def __init__(self, stories: Path, env: dict[str, str]) -> None:
        self.stories = stories
        self._env = env
        self._task: asyncio.Task[None] | None = None
        self._proc: asyncio.subprocess.Process | None = None

    def start(self) -> None:
        """Start the build in the background; its outcome goes to the log."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        # The readers' cache dir: they run with the operator's XDG folders, as this server does.
        argv = seed_command(LibraryIndex().cache_dir, [self.stories])
        started = time.perf_counter()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *argv, env=self._env, cwd="/", stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await self._proc.communicate()
        except OSError as exc:
            log.warning("shared search index of %s not built: %s", self.stories, exc)
            return
        took = time.perf_counter() - started
        said = out.decode("utf-8", "replace").split()
        if self._proc.returncode == 0 and len(said) == 2 and said[0] == "seeded":
            log.info("shared search index of %s up to date (%s stories read) in %.2f s",
                     self.stories, said[1], took)  # fmt: skip
        else:  # only speed is lost: each new user's reader reads the files itself
            reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason"]
            log.warning("shared search index of %s not built (exit %s): %s",
                        self.stories, self._proc.returncode, reason[0])  # fmt: skip

    async def wait(self) -> None:
        """Wait until the build has ended and its outcome is logged."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def stop(self) -> None:
        """End the build if it still runs (the seed is only a cache: the next start goes on)."""
        if self._proc is not None and self._proc.returncode is None:
            self._proc.kill()
        await self.wait()
