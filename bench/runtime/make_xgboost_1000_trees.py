"""Writes a 1,000-tree XGBoost regressor (depth 6, 20 features, some missing values) for the load-time benchmark.

Usage: python3 make_xgboost_1000_trees.py OUT.json  (deterministic: fixed seed, nthread=1, hist)
"""
import sys

import numpy as np
import xgboost

rng = np.random.default_rng(1000)
x = rng.normal(size=(4000, 20))
x[rng.random(x.shape) < 0.05] = np.nan
y = np.nansum(x[:, :5] * np.arange(1, 6), axis=1) + np.sin(np.nan_to_num(x[:, 5]) * 3) + rng.normal(scale=0.1, size=4000)
booster = xgboost.train(
    {"max_depth": 6, "eta": 0.05, "tree_method": "hist", "nthread": 1, "seed": 0, "objective": "reg:squarederror"},
    xgboost.DMatrix(x, label=y, missing=np.nan),
    num_boost_round=1000,
)
booster.save_model(sys.argv[1])
