"""Integer codes for a column's values: ``pd.factorize``, faster for text and categories.

Used by reading (repeated keys) and by the evaluation (units, roles, background
categories), where columns have up to a few million rows and few distinct values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def factorize(values: Any, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=sort)``: codes (-1 for missing) and distinct values.

    Text columns go through pandas' table of Python objects, which uses the hash each
    ``str`` keeps and finds the many repeats of one unit name by identity; ``pd.factorize``
    hashes every value's text again (a few times slower on 1.65 M survey rows). Same
    codes and values; anything else, or a pandas without that table, takes
    ``pd.factorize``.
    """
    dtype = getattr(values, "dtype", None)
    if isinstance(values, pd.Series) and isinstance(dtype, pd.CategoricalDtype):
        return factorize_categorical(values, sort)
    text = (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype)
    if isinstance(values, pd.Series) and text:
        try:
            from pandas._libs.hashtable import PyObjectHashTable

            arr = getattr(values.array, "_ndarray", None) if isinstance(
                dtype, pd.StringDtype) else None  # str or NA only: as is, without a copy
            if not isinstance(arr, np.ndarray) or arr.dtype != object or arr.ndim != 1:
                arr = values.to_numpy(dtype=object, na_value=np.nan)
            uniques, codes = PyObjectHashTable(1024).factorize(arr)
        except (ImportError, AttributeError, TypeError, ValueError):
            pass
        else:
            codes = np.asarray(codes, dtype=np.intp)
            uniques = np.asarray(uniques, dtype=object)
            if sort and len(uniques) > 1:
                order, uniques = pd.factorize(uniques, sort=True)  # no repeats: a permutation
                codes = np.append(order, -1)[codes]
            return codes, uniques
    codes, uniques = pd.factorize(values, sort=sort, use_na_sentinel=True)
    return codes, uniques


def factorize_categorical(values: pd.Series, sort: bool) -> tuple[np.ndarray, np.ndarray]:
    """:func:`factorize` of a categorical column (the survey's texts) from its codes.

    The same codes and values as ``pd.factorize``: the categories that occur, in order
    of first appearance (``sort``: in sorted order), as an object array.
    """
    codes = values.cat.codes.to_numpy()
    categories = np.asarray(values.cat.categories, dtype=object)
    k = len(categories)
    present = np.bincount(codes.astype(np.intp) + 1, minlength=k + 1)[1:] > 0
    if sort:
        found = np.flatnonzero(present)
        keep = found[np.argsort(categories[found], kind="stable")]
    else:
        keep = first_seen(codes, int(present.sum()), k)
    remap = np.full(k + 1, -1, dtype=np.intp)  # the last one is for code -1 (missing)
    remap[keep] = np.arange(len(keep))
    return remap[codes], categories[keep]


def first_seen(codes: np.ndarray, count: int, k: int) -> np.ndarray:
    """The ``count`` distinct codes (>= 0, < k) in order of first appearance: the rows are
    read in growing blocks, so usually only the first few are looked at."""
    seen = np.zeros(k, dtype=bool)
    order: list[np.ndarray] = []
    start, size, found = 0, 1 << 16, 0
    while found < count and start < len(codes):
        block, first = np.unique(codes[start:start + size], return_index=True)
        new = block >= 0
        new[new] = ~seen[block[new]]
        block = block[new][np.argsort(first[new], kind="stable")]
        seen[block] = True
        order.append(block)
        found += len(block)
        start += size
        size *= 2
    return np.concatenate(order).astype(np.intp) if order else np.zeros(0, dtype=np.intp)
