"""The papermill engine a run uses: nbclient's, saving the executed notebook once, when the
run ends, succeeded or not, instead of before and after every cell.

papermill writes the whole notebook, outputs and all, at each cell's start and end: about
70 writes of a growing notebook for a 35-cell page, a second of CPU in the worker. Ending
(`notebook_complete`) still saves, also when a cell times out or the kernel dies, so the
cells run so far reach reports/failed/ as before.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import (
    NBClientEngine,
    NotebookExecutionManager,
    catch_nb_assignment,
    papermill_engines,
)

# The name papermill.execute_notebook(engine_name=...) knows this engine by.
ENGINE = "smallcap-save-when-done"


class SavedWhenDone(NotebookExecutionManager):
    """papermill's bookkeeping of a run, writing the notebook only when the run ends."""

    _ended = False

    @catch_nb_assignment
    def save(self, **kwargs: Any) -> None:
        if self._ended:
            super().save(**kwargs)

    def notebook_complete(self, **kwargs: Any) -> None:
        self._ended = True
        super().notebook_complete(**kwargs)


class SaveWhenDoneEngine(NBClientEngine):
    """papermill's nbclient engine with `SavedWhenDone` bookkeeping (papermill's
    Engine.execute_notebook, which names its manager class inline)."""

    @classmethod
    def execute_notebook(
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> Any:
        manager = SavedWhenDone(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb


papermill_engines.register(ENGINE, SaveWhenDoneEngine)
