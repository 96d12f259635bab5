"""ybresults: the results contract, the one package that reads, checks, merges and writes results files.

  names      the benchmark-name grammar (parse, format, Google Benchmark's suffixes, filters)
  counters   the counter registry: name, unit, which direction is better, one line of meaning
  units      unit conversion and formatters
  noise      the noise limit (UNSTABLE_CI), the verdict and the median's confidence interval
  progress   the progress-line channel between family executables and `yieldbench run`
  schema     schema and yieldbench versions
  document   reading: one-line errors, shape and schema checks, partial-file recovery
  model      a results file as Benchmarks with their repetitions (what the summary, reports and gate read)
  strict     strict JSON: non-finite values left out with the reason
  merge      one document from the family executables' outputs
  items      the item each workload's operation is made of: its noun in the run context, time per item
  results_csv  results.csv: one row per benchmark and repetition, counters as columns
  write      atomic writing

Nothing else parses or writes results JSON. It imports only the standard library, so the CLI, the gate, the
reports, the python track and the fidelity scripts can all use it."""
from .document import read, read_output, read_partial
from .errors import ResultsError
from .merge import merge
from .model import Benchmark, Results, load
from .results_csv import write as write_csv
from .schema import SCHEMA_VERSION, VERSION
from .write import write

__all__ = [
    "Benchmark",
    "Results",
    "ResultsError",
    "SCHEMA_VERSION",
    "VERSION",
    "load",
    "merge",
    "read",
    "read_output",
    "read_partial",
    "write",
    "write_csv",
]
