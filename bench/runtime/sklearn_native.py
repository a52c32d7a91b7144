"""scikit-learn's own predictor as a peer of the runtime benchmark.

Usage:
  python3 sklearn_native.py train WORK_DIR   -> fits the benchmark's scikit-learn models on the Seattle data,
      exports each with packages/runtime/exporters/export_sklearn.py to WORK_DIR/<key>.json, pickles the fitted
      estimator beside it, and prints {"sklearn_version", "models": [{"key", "name", "trees", "fill_missing"}]}.
  python3 sklearn_native.py time REQUEST.json -> times predict on the given rows; prints timings (ns per row).
REQUEST.json: {"cases": [{"key", "estimator" (pickle), "rows" (.f64, row-major, NaN = missing), "columns",
"repeats", "margins_out"}]}. The predictions of the rows are written to `margins_out` as float64, for the caller to
compare bit for bit.

One thread: forests run with n_jobs=1; HistGradientBoosting parallelises with OpenMP, so the caller sets
OMP_NUM_THREADS=1 and the limit is applied again here through threadpoolctl where it is installed.
"""
import json
import os
import pickle
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "packages", "runtime", "exporters"))
from export_sklearn import write_model  # noqa: E402

SEATTLE_CSV = os.path.join(ROOT, "fixtures", "seattle", "2016_Building_Energy_Benchmarking.csv")
# The columns of the XGBoost Seattle fixture, whose rows the benchmark predicts.
FEATURES = [
    "YearBuilt",
    "NumberofFloors",
    "NumberofBuildings",
    "PropertyGFATotal",
    "PropertyGFAParking",
    "Latitude",
    "Longitude",
    "LargestPropertyUseTypeGFA",
    "SecondLargestPropertyUseTypeGFA",
    "ENERGYSTARScore",
]


def seattle(fill_missing):
    """Non-residential buildings with a positive energy use; y = ln(SiteEnergyUse)."""
    df = pd.read_csv(SEATTLE_CSV)
    df = df[~df["BuildingType"].str.startswith("Multifamily")]
    df = df[df["SiteEnergyUse(kBtu)"] > 0]
    X = df[FEATURES].to_numpy(np.float64)
    if fill_missing:
        # scikit-learn 1.2's forests refuse NaN: missing is -1 for them, here and in the benchmark's rows.
        X[np.isnan(X)] = -1.0
    return X, np.log(df["SiteEnergyUse(kBtu)"].to_numpy(np.float64))


MODELS = [
    # key, label, estimator, NaN filled with -1
    (
        "hist_gradient_boosting",
        "scikit-learn HistGradientBoostingRegressor (300 trees, 31 leaves)",
        lambda: HistGradientBoostingRegressor(max_iter=300, max_leaf_nodes=31, early_stopping=False, random_state=1),
        False,
    ),
    (
        "random_forest",
        "scikit-learn RandomForestRegressor (100 trees, depth 12)",
        lambda: RandomForestRegressor(n_estimators=100, max_depth=12, n_jobs=1, random_state=1),
        True,
    ),
]


def limit_threads():
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


def train(work):
    out = []
    for key, label, make, fill in MODELS:
        X, y = seattle(fill)
        model = make().fit(X, y)
        write_model(model, os.path.join(work, key + ".json"))
        with open(os.path.join(work, key + ".pickle"), "wb") as f:
            pickle.dump(model, f)
        trees = model.n_iter_ if hasattr(model, "n_iter_") else len(model.estimators_)
        out.append({"key": key, "name": label, "trees": int(trees), "fill_missing": fill})
    print(json.dumps({"sklearn_version": sklearn.__version__, "models": out}))


def time_case(case):
    with open(case["estimator"], "rb") as f:
        model = pickle.load(f)
    if hasattr(model, "n_jobs"):
        model.n_jobs = 1
    x = np.fromfile(case["rows"], dtype=np.float64).reshape(-1, case["columns"])
    y = model.predict(x)  # warm-up, and the values to cross-check
    np.asarray(y, dtype=np.float64).tofile(case["margins_out"])
    wall = []
    cpu = []
    for _ in range(case["repeats"]):
        start = time.perf_counter_ns()
        start_cpu = time.process_time_ns()
        model.predict(x)
        cpu.append((time.process_time_ns() - start_cpu) / x.shape[0])
        wall.append((time.perf_counter_ns() - start) / x.shape[0])
    return {"key": case["key"], "batch_ns_per_row": wall, "batch_cpu_ns_per_row": cpu}


def main():
    if sys.argv[1] == "train":
        train(sys.argv[2])
    else:
        limit_threads()
        request = json.load(open(sys.argv[2]))
        print(json.dumps({"cases": [time_case(c) for c in request["cases"]]}))


if __name__ == "__main__":
    main()
