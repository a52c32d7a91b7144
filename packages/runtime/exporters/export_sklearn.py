#!/usr/bin/python3
"""Export a fitted scikit-learn tree ensemble to the JSON format `@seattle-energy/runtime` loads.

Supported estimators (single output): RandomForestRegressor, ExtraTreesRegressor, GradientBoostingRegressor,
HistGradientBoostingRegressor, DecisionTreeRegressor, and the classifiers RandomForestClassifier,
ExtraTreesClassifier, DecisionTreeClassifier, GradientBoostingClassifier and HistGradientBoostingClassifier. The format ("format": "sklearn-tree-ensemble", "version": 1) is
documented in the runtime package README. Every number is written exactly: Python's float repr round-trips, and
non-finite thresholds (HistGradientBoosting's "NaN only" splits) are written as the strings "Infinity"/"-Infinity".

Library use:
    from export_sklearn import export_model, write_model
    write_model(fitted_estimator, "model.json")

Command line (a pickled or joblib-dumped estimator):
    /usr/bin/python3 export_sklearn.py estimator.joblib model.json
"""
import json
import math
import sys

import numpy as np

FORMAT = "sklearn-tree-ensemble"
VERSION = 1
TREE_LEAF = -1


def _number(x):
    x = float(x)
    if math.isnan(x):
        raise ValueError("cannot export a NaN threshold or value")
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _numbers(values):
    return [_number(v) for v in values]


def _feature_names(model, n_features):
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return ["x%d" % i for i in range(n_features)]
    return [str(n) for n in names]


def _class_probabilities(t, n_classes):
    """Each node's class probabilities, computed with the numpy operations DecisionTreeClassifier.predict_proba
    applies to the leaf it reaches (so the exported doubles are the ones scikit-learn averages)."""
    proba = t.value[:, 0, :n_classes].copy()
    normalizer = proba.sum(axis=1)[:, np.newaxis]
    normalizer[normalizer == 0.0] = 1.0
    proba /= normalizer
    return [_numbers(row) for row in proba]


def _tree_arrays(tree, n_classes=None):
    """The arrays of a fitted sklearn.tree._tree.Tree (single output). For a classifier tree (`n_classes` given),
    `value` holds each node's class probabilities."""
    t = tree.tree_
    if t.n_outputs != 1 or (n_classes is None and t.value.shape[2] != 1):
        raise ValueError("only single-output trees can be exported")
    left = t.children_left.tolist()
    right = t.children_right.tolist()
    samples = t.n_node_samples.tolist()
    missing = getattr(t, "missing_go_to_left", None)
    # scikit-learn < 1.3 trees have no missing-value routing and refuse NaN at predict time: the export says so
    # ("missing_values": "refuse") and the runtime refuses missing inputs too, rather than invent a direction.
    missing_left = [int(m) for m in missing] if missing is not None else [0] * len(left)
    return {
        "children_left": left,
        "children_right": right,
        "feature": t.feature.tolist(),
        "threshold": _numbers(t.threshold),
        "value": _numbers(t.value[:, 0, 0]) if n_classes is None else _class_probabilities(t, n_classes),
        "n_node_samples": samples,
        "weighted_n_node_samples": _numbers(t.weighted_n_node_samples),
        "missing_go_to_left": missing_left,
    }


def _bitset_words(row):
    return [int(w) for w in row]


def _hist_tree_arrays(predictor, output=None):
    """The arrays of a HistGradientBoosting TreePredictor, renamed to the tree estimators' conventions."""
    nodes = predictor.nodes
    is_leaf = nodes["is_leaf"].astype(bool)
    left = [TREE_LEAF if leaf else int(l) for leaf, l in zip(is_leaf, nodes["left"])]
    right = [TREE_LEAF if leaf else int(r) for leaf, r in zip(is_leaf, nodes["right"])]
    feature = [-2 if leaf else int(f) for leaf, f in zip(is_leaf, nodes["feature_idx"])]
    threshold = [-2.0 if leaf else _number(x) for leaf, x in zip(is_leaf, nodes["num_threshold"])]
    is_categorical = [0 if leaf else int(c) for leaf, c in zip(is_leaf, nodes["is_categorical"])]
    bitset_index = [int(b) if c else -1 for c, b in zip(is_categorical, nodes["bitset_idx"])]
    return {
        "children_left": left,
        "children_right": right,
        "feature": feature,
        "threshold": threshold,
        "value": _numbers(nodes["value"]),
        "n_node_samples": [int(c) for c in nodes["count"]],
        "missing_go_to_left": [0 if leaf else int(m) for leaf, m in zip(is_leaf, nodes["missing_go_to_left"])],
        "is_categorical": is_categorical,
        "bitset_index": bitset_index,
        "left_category_bitsets": [_bitset_words(row) for row in predictor.raw_left_cat_bitsets],
    } | ({} if output is None else {"output": output})


def _missing_values(trees):
    """"route" when the trees carry scikit-learn's learned missing-value directions (>= 1.3), else "refuse"."""
    return "route" if all(hasattr(t.tree_, "missing_go_to_left") for t in trees) else "refuse"


def _constant_init(model):
    init = model.init_
    if init == "zero":
        return 0.0
    if type(init).__name__ != "DummyRegressor":
        raise ValueError("GradientBoostingRegressor with a custom init estimator cannot be exported")
    constant = init.constant_.ravel()
    if constant.shape[0] != 1:
        raise ValueError("only single-output models can be exported")
    return float(constant[0])


def _classes(model):
    return [c.item() if hasattr(c, "item") else c for c in model.classes_]


def _gradient_boosting_classifier(model, n_features):
    """GradientBoostingClassifier: `estimators_[stage, k]` adds `learning_rate * value` to margin k, from the
    init margins (`_raw_predict_init`, the same for every row: a prior or zeros)."""
    loss = type(model._loss).__name__
    if loss == "BinomialDeviance":
        link = "logit"
    elif loss == "ExponentialLoss":
        link = "logit_exponential"
    elif loss == "MultinomialDeviance":
        link = "multinomial_logsumexp"
    else:
        raise ValueError("unsupported GradientBoostingClassifier loss %s" % loss)
    if model.init_ != "zero" and type(model.init_).__name__ != "DummyClassifier":
        raise ValueError("GradientBoostingClassifier with a custom init estimator cannot be exported")
    init = model._raw_predict_init(np.zeros((1, n_features), dtype=np.float32))[0]
    stages, outputs = model.estimators_.shape
    return dict(
        input_dtype="float32",
        aggregation="sum",
        init=_numbers(init),
        learning_rate=float(model.learning_rate),
        loss=str(model.loss),
        link=link,
        missing_values=_missing_values(model.estimators_.ravel()),
        classes=_classes(model),
        trees=[
            dict(_tree_arrays(model.estimators_[i, k]), output=k) for i in range(stages) for k in range(outputs)
        ],
    )


def _hist_known_categories(model, n_features):
    known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
    categorical = model.is_categorical_
    known_sets = {}
    if categorical is not None:
        for f in range(n_features):
            if categorical[f]:
                known_sets[str(f)] = _bitset_words(known[f_idx_map[f]])
    return known_sets


def export_model(model):
    """Return the JSON-ready dict describing a fitted estimator."""
    import sklearn

    kind = type(model).__name__
    n_features = int(model.n_features_in_)
    out = {
        "format": FORMAT,
        "version": VERSION,
        "sklearn_version": sklearn.__version__,
        "estimator": kind,
        "n_features": n_features,
        "feature_names": _feature_names(model, n_features),
    }
    if kind in ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier"):
        if getattr(model, "n_outputs_", 1) != 1:
            raise ValueError("only single-output classifiers can be exported")
        n_classes = len(model.classes_)
        trees = model.estimators_ if kind != "DecisionTreeClassifier" else [model]
        out.update(
            input_dtype="float32",
            aggregation="mean",
            init=0.0,
            loss=str(model.criterion),
            link="identity",
            missing_values=_missing_values(trees),
            classes=_classes(model),
            trees=[_tree_arrays(e, n_classes) for e in trees],
        )
    elif kind == "DecisionTreeRegressor":
        if model.n_outputs_ != 1:
            raise ValueError("only single-output trees can be exported")
        out.update(
            input_dtype="float32",
            aggregation="mean",
            init=0.0,
            loss=str(model.criterion),
            link="identity",
            missing_values=_missing_values([model]),
            trees=[_tree_arrays(model)],
        )
    elif kind == "GradientBoostingClassifier":
        out.update(_gradient_boosting_classifier(model, n_features))
    elif kind == "HistGradientBoostingClassifier":
        link = type(model._loss.link).__name__
        if link not in ("LogitLink", "MultinomialLogit"):
            raise ValueError("unsupported link %s" % link)
        out.update(
            input_dtype="float64",
            aggregation="sum",
            init=_numbers(model._baseline_prediction.ravel()),
            learning_rate=float(model.learning_rate),
            loss=str(model.loss),
            link="logit" if link == "LogitLink" else "softmax",
            missing_values="route",
            known_category_bitsets=_hist_known_categories(model, n_features),
            classes=_classes(model),
            trees=[_hist_tree_arrays(p, k) for iteration in model._predictors for k, p in enumerate(iteration)],
        )
    elif kind in ("RandomForestRegressor", "ExtraTreesRegressor"):
        if getattr(model, "n_outputs_", 1) != 1:
            raise ValueError("only single-output forests can be exported")
        out.update(
            input_dtype="float32",
            aggregation="mean",
            init=0.0,
            loss=str(model.criterion),
            link="identity",
            missing_values=_missing_values(model.estimators_),
            trees=[_tree_arrays(e) for e in model.estimators_],
        )
    elif kind == "GradientBoostingRegressor":
        out.update(
            input_dtype="float32",
            aggregation="sum",
            init=_constant_init(model),
            learning_rate=float(model.learning_rate),
            loss=str(model.loss),
            link="identity",
            missing_values=_missing_values([stage[0] for stage in model.estimators_]),
            trees=[_tree_arrays(stage[0]) for stage in model.estimators_],
        )
    elif kind == "HistGradientBoostingRegressor":
        if model.n_trees_per_iteration_ != 1:
            raise ValueError("only single-output models can be exported")
        link = type(model._loss.link).__name__
        if link not in ("IdentityLink", "LogLink"):
            raise ValueError("unsupported link %s" % link)
        known_sets = _hist_known_categories(model, n_features)
        out.update(
            input_dtype="float64",
            aggregation="sum",
            init=float(model._baseline_prediction.ravel()[0]),
            learning_rate=float(model.learning_rate),
            loss=str(model.loss),
            link="log" if link == "LogLink" else "identity",
            missing_values="route",
            known_category_bitsets=known_sets,
            trees=[_hist_tree_arrays(iteration[0]) for iteration in model._predictors],
        )
    else:
        raise ValueError("cannot export %s: not a supported tree ensemble" % kind)
    return out


def write_model(model, path):
    """Export `model` to `path` as compact JSON."""
    with open(path, "w") as f:
        json.dump(export_model(model), f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: export_sklearn.py ESTIMATOR.joblib|.pkl OUT.json\n")
        return 2
    if argv[1].endswith(".pkl") or argv[1].endswith(".pickle"):
        import pickle

        with open(argv[1], "rb") as f:
            model = pickle.load(f)
    else:
        import joblib

        model = joblib.load(argv[1])
    write_model(model, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
