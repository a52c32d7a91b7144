"""Converts an XGBoost `save_model` JSON regressor (gbtree, numeric splits, identity objective) into an ONNX model
holding one `TreeEnsembleRegressor` (ai.onnx.ml opset 3), for the runtime benchmark's ONNX Runtime peers.

Usage: python3 xgboost_to_onnx.py MODEL.json[.gz] OUT.onnx   (Debian's python3-onnx; prints one JSON line)

XGBoost sends a row left ("yes") when float32(x) < threshold and a missing value to its default child, so each split
is BRANCH_LT with the left child as the true branch and `nodes_missing_value_tracks_true` = default_left. Thresholds
and leaf values are float32 in XGBoost and stay float32 here; the base score becomes `base_values`.
"""
import gzip
import json
import sys

import onnx
from onnx import TensorProto, helper

IDENTITY = {"reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror"}


def read_model(path):
    raw = gzip.open(path, "rb").read() if path.endswith(".gz") else open(path, "rb").read()
    return json.loads(raw.decode("utf8").replace("NaN", "null"))


def convert(model):
    learner = model["learner"]
    objective = learner["objective"]["name"]
    if objective not in IDENTITY:
        raise SystemExit(f"only identity-link regressors are converted, not {objective}")
    booster = learner["gradient_booster"]
    if booster["name"] != "gbtree":
        raise SystemExit(f"only gbtree boosters are converted, not {booster['name']}")
    features = int(learner["learner_model_param"]["num_feature"])
    base_score = float(learner["learner_model_param"]["base_score"].strip("[]"))
    a = {k: [] for k in ("treeids", "nodeids", "featureids", "modes", "values", "true", "false", "missing")}
    targets = {"treeids": [], "nodeids": [], "ids": [], "weights": []}
    trees = booster["model"]["trees"]
    for t, tree in enumerate(trees):
        left, right = tree["left_children"], tree["right_children"]
        if any(s != 0 for s in tree["split_type"]):
            raise SystemExit("categorical splits are not converted")
        for n in range(len(left)):
            a["treeids"].append(t)
            a["nodeids"].append(n)
            if left[n] == -1:
                a["featureids"].append(0)
                a["modes"].append("LEAF")
                a["values"].append(0.0)
                a["true"].append(0)
                a["false"].append(0)
                a["missing"].append(0)
                targets["treeids"].append(t)
                targets["nodeids"].append(n)
                targets["ids"].append(0)
                targets["weights"].append(tree["split_conditions"][n])
            else:
                a["featureids"].append(tree["split_indices"][n])
                a["modes"].append("BRANCH_LT")
                a["values"].append(tree["split_conditions"][n])
                a["true"].append(left[n])
                a["false"].append(right[n])
                a["missing"].append(int(tree["default_left"][n]))
    node = helper.make_node(
        "TreeEnsembleRegressor",
        ["X"],
        ["Y"],
        domain="ai.onnx.ml",
        n_targets=1,
        aggregate_function="SUM",
        post_transform="NONE",
        base_values=[base_score],
        nodes_treeids=a["treeids"],
        nodes_nodeids=a["nodeids"],
        nodes_featureids=a["featureids"],
        nodes_modes=a["modes"],
        nodes_values=a["values"],
        nodes_truenodeids=a["true"],
        nodes_falsenodeids=a["false"],
        nodes_missing_value_tracks_true=a["missing"],
        target_treeids=targets["treeids"],
        target_nodeids=targets["nodeids"],
        target_ids=targets["ids"],
        target_weights=targets["weights"],
    )
    graph = helper.make_graph(
        [node],
        "xgboost",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, features])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 1])],
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)],
        producer_name="bench/peers/xgboost_to_onnx.py",
    )
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model)
    return onnx_model, len(trees), features


def main():
    onnx_model, trees, features = convert(read_model(sys.argv[1]))
    onnx.save(onnx_model, sys.argv[2])
    print(json.dumps({"trees": trees, "features": features, "onnx_version": onnx.__version__}))


if __name__ == "__main__":
    main()
