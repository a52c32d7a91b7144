"""Times XGBoost's native predictor (nthread=1, inplace_predict) on the rows the JavaScript benchmark uses.

Usage: python3 xgboost_native.py REQUEST.json  ->  prints one JSON object with timings (nanoseconds per row).
REQUEST.json: {"cases": [{"name", "model", "rows" (a .f64 file of row-major float64, NaN = missing),
"columns", "repeats", "single_rows", "margins_out"}]}. The model file may be gzipped. Margins of the rows are written
to `margins_out` as float32, for the caller to compare bit for bit.
"""
import gzip
import json
import sys
import time

import numpy as np
import xgboost


def load_booster(path):
    raw = gzip.open(path, "rb").read() if path.endswith(".gz") else open(path, "rb").read()
    booster = xgboost.Booster(params={"nthread": 1})
    booster.load_model(bytearray(raw))
    booster.set_param({"nthread": 1})
    return booster


def time_case(case):
    booster = load_booster(case["model"])
    x = np.fromfile(case["rows"], dtype=np.float64).reshape(-1, case["columns"])
    margins = booster.inplace_predict(x, predict_type="margin")  # warm-up, and the values to cross-check
    np.asarray(margins, dtype=np.float32).tofile(case["margins_out"])
    batch = []
    batch_cpu = []
    for _ in range(case["repeats"]):
        start = time.perf_counter_ns()
        start_cpu = time.process_time_ns()
        booster.inplace_predict(x, predict_type="margin")
        batch_cpu.append((time.process_time_ns() - start_cpu) / x.shape[0])
        batch.append((time.perf_counter_ns() - start) / x.shape[0])
    single = []
    for i in range(case["single_rows"]):
        row = x[i % x.shape[0]: i % x.shape[0] + 1]
        start = time.perf_counter_ns()
        booster.inplace_predict(row, predict_type="margin")
        single.append(time.perf_counter_ns() - start)
    single.sort()
    return {
        "name": case["name"],
        "rows": int(x.shape[0]),
        "batch_ns_per_row": batch,
        "batch_cpu_ns_per_row": batch_cpu,
        "single_p50_ns": single[len(single) // 2] if single else None,
        "single_p99_ns": single[int(len(single) * 0.99)] if single else None,
        "checksum": float(np.asarray(margins, dtype=np.float64).sum()),
        "first_margins": [float(v) for v in np.asarray(margins).reshape(-1)[:8]],
    }


def main():
    request = json.load(open(sys.argv[1]))
    out = {"xgboost_version": xgboost.__version__, "numpy_version": np.__version__,
           "cases": [time_case(c) for c in request["cases"]]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
