"""How the `tf.data` input pipelines run: parallel maps, prefetching, element order.

Every loader of the package (paired, unpaired, folders of images) builds its pipeline through
`PipelineOptions`, so one object switches a lever everywhere; `benchmarks/data_speed.py` turns
each lever off in turn to measure what it is worth (BENCHMARKS.md, "Input pipeline speed").
Caching of decoded images is each loader's own `cache` argument.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class PipelineOptions:
    """Settings of an input pipeline; the defaults are the measured fastest that keep results
    reproducible.

    Args:
        parallel: bool. Decode and augment several elements at once
            (``num_parallel_calls=tf.data.AUTOTUNE``); False maps one element at a time.
        prefetch: bool. Prepare the next batches while the model trains on this one.
        deterministic: bool. Keep the element order of the files (and of a seeded shuffle);
            False lets a parallel map hand out whichever element is ready first.

    Example:
    >>> opts = PipelineOptions(parallel=False)
    >>> opts.apply_map(tf.data.Dataset.range(3), lambda x: x * 2).as_numpy_iterator().next()
    0
    """

    parallel: bool = True
    prefetch: bool = True
    deterministic: bool = True

    def apply_map(self, ds: tf.data.Dataset, fn: Callable) -> tf.data.Dataset:
        """`ds.map(fn)`, in parallel or not, in order or not."""
        if not self.parallel:
            return ds.map(fn)
        return ds.map(fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=self.deterministic)

    def finish(self, ds: tf.data.Dataset, batch_size: int) -> tf.data.Dataset:
        """Batches `ds` and prefetches (when `prefetch`)."""
        ds = ds.batch(batch_size)
        return ds.prefetch(tf.data.AUTOTUNE) if self.prefetch else ds


DEFAULT_PIPELINE = PipelineOptions()


__all__ = ["DEFAULT_PIPELINE", "PipelineOptions"]
