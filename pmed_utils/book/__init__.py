"""The book machinery: everything that needs the Jupyter Book toolchain, apart from the science.

- :mod:`pmed_utils.book.record`: ``record(name, value)`` glues a notebook's headline
  results for the book text and the notebook tests (myst-nb, nbformat);
- :mod:`pmed_utils.book.reports`: an executed notebook as one self-contained HTML
  report (nbconvert, pybtex);
- :mod:`pmed_utils.book.cli`: the ``pmed`` command (papermill);
- :mod:`pmed_utils.book.exercises`: answer checkers for the chapters' exercises.

The science subpackages (``genomics``, ``imaging``, ``models``, ``evaluation``,
``plotting``, ``datasets``) never import from here, so they work without the
book's toolchain. The notebooks' short import paths ``pmed_utils.record`` and
``pmed_utils.exercises`` re-export those two modules. Nothing is imported until a
submodule is.
"""

__all__: list[str] = []
