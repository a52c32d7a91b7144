"""Split, missingness augmentation, XGBoost fitting, held-out metrics and the conformal interval.

Shared by train.py (the bundles) and tune.py (the offline parameter search), so both see the same data.
"""
import math

import numpy as np
import xgboost as xgb
from sklearn.model_selection import KFold

from features import encode_matrix


def split_ids(rows, fraction, seed):
    """The held-out ids: a fixed seeded permutation of the filtered rows sorted by building id."""
    ids = sorted(row['id'] for row in rows)
    order = np.random.default_rng(seed).permutation(len(ids))
    return {ids[i] for i in order[: int(round(fraction * len(ids)))]}


def without(building, fields):
    return {k: v for k, v in building.items() if k not in fields}


def augment(rows, masking):
    """Each row as given plus `copies` copies with each optional-input group dropped with `probability`.

    The masks depend only on the row's id and the seed, so a row gets the same copies in every fold and run.
    """
    groups = list(masking['groups'].values())
    buildings, targets = [], []
    for row in rows:
        rng = np.random.default_rng([masking['seed'], row['id']])
        draws = rng.random((masking['copies'], len(groups))) < masking['probability']
        buildings.append(row['canonical'])
        targets.append(row['y'])
        for copy in draws:
            dropped = [field for group, drop in zip(groups, copy) if drop for field in group]
            buildings.append(without(row['canonical'], dropped))
            targets.append(row['y'])
    return buildings, np.array(targets)


def fit(rows, features, spec, masking, nthread=1):
    buildings, y = augment(rows, masking)
    matrix = xgb.DMatrix(encode_matrix(buildings, features), label=y, feature_names=[f['name'] for f in features],
                         nthread=nthread)
    params = dict(spec['params'], nthread=nthread, base_score=float(np.mean(y)))
    return xgb.train(params, matrix, num_boost_round=spec['rounds'])


def predict_margin(booster, buildings, features):
    matrix = xgb.DMatrix(encode_matrix(buildings, features), feature_names=[f['name'] for f in features], nthread=1)
    return booster.predict(matrix, output_margin=True).astype(np.float64)


def quality(y, margin):
    """R^2 of the log target and the median absolute percentage error of exp(margin)."""
    y = np.asarray(y)
    r2 = 1.0 - float(np.sum((y - margin) ** 2)) / float(np.sum((y - np.mean(y)) ** 2))
    mape = float(np.median(np.abs(np.expm1(margin - y))))
    return {'r2Log': round(r2, 4), 'medianApe': round(mape, 4)}


SCENARIOS = {
    # name -> fields removed from every held-out building before predicting
    'withEnergyStarScore': [],
    'withoutEnergyStarScore': ['energyStarScore'],
    'requiredInputsOnly': None,  # filled from the masking groups: every optional input dropped
}


def scenario_fields(name, masking):
    if name == 'requiredInputsOnly':
        return [field for group in masking['groups'].values() for field in group]
    return SCENARIOS[name]


def out_of_fold(rows, features, spec, masking, folds, seed, scenarios):
    """Out-of-fold margins of every training row under each scenario (cross-conformal calibration)."""
    margins = {name: np.zeros(len(rows)) for name in scenarios}
    for fit_idx, held_idx in KFold(folds, shuffle=True, random_state=seed).split(rows):
        booster = fit([rows[i] for i in fit_idx], features, spec, masking)
        for name, dropped in scenarios.items():
            margins[name][held_idx] = predict_margin(
                booster, [without(rows[i]['canonical'], dropped) for i in held_idx], features)
    return margins


def conformal_quantile(residuals, level):
    """The split-conformal quantile: the ceil((n + 1) * level)-th smallest absolute residual."""
    ordered = np.sort(np.abs(residuals))
    rank = math.ceil((len(ordered) + 1) * level)
    if rank > len(ordered):
        raise ValueError(f'{len(ordered)} calibration residuals are too few for level {level}')
    return float(ordered[rank - 1])


def size_edges(rows, input_name, bins):
    values = np.array([row['canonical'][input_name] for row in rows], dtype=np.float64)
    return [int(round(np.quantile(values, q))) for q in np.arange(1, bins) / bins]


def strata_conditions(groups, edges, input_name):
    """(when, group) per stratum: each presence group split into floor-area bins."""
    bounds = [None] + edges + [None]
    strata = []
    for group in groups:
        for low, high in zip(bounds[:-1], bounds[1:]):
            when = {key: group[key] for key in ('present', 'absent') if key in group}
            when['range'] = {'input': input_name, 'min': low, 'max': high}
            strata.append((when, group))
    return strata


def applies(when, building):
    if any(building.get(name) is None for name in when.get('present', [])):
        return False
    if any(building.get(name) is not None for name in when.get('absent', [])):
        return False
    if 'range' in when:
        value = building.get(when['range']['input'])
        if value is None:
            return False
        low, high = when['range']['min'], when['range']['max']
        if (low is not None and value < low) or (high is not None and value >= high):
            return False
    return True


def stratum_index(strata, building):
    for index, stratum in enumerate(strata):
        if applies(stratum['when'], building):
            return index
    raise ValueError('no interval stratum applies')


def calibrate(rows, oof, interval, edges, masking):
    """Mondrian cross-conformal half-widths per (which optional inputs are given) x (floor-area bin).

    Each presence group is calibrated under one scenario (inputs as given, without the ENERGY STAR score, required
    inputs only): a training row's out-of-fold residual under that scenario counts for the stratum its reduced
    building falls in, when that stratum belongs to the group. A group with `separately` takes the larger of the
    quantiles of rows that had that input and rows that never had it: a building without a score may be one whose
    owner left it out (like the masked rows) or one that has none (like the rows the city lacks a score for), and the
    latter are harder; the serving side cannot tell them apart, so the interval must hold for both.
    """
    strata = [{'when': when, 'group': group, 'residuals': {True: [], False: []}}
              for when, group in strata_conditions(interval['groups'], edges, interval['sizeInput'])]
    for scenario in sorted({s['group']['calibrateWith'] for s in strata}):
        dropped = scenario_fields(scenario, masking)
        for i, row in enumerate(rows):
            stratum = strata[stratum_index(strata, without(row['canonical'], dropped))]
            if stratum['group']['calibrateWith'] == scenario:
                had = row['canonical'].get(stratum['group'].get('separately', '')) is not None
                stratum['residuals'][had].append(row['y'] - oof[scenario][i])
    result = []
    for s in strata:
        parts = list(s['residuals'].values()) if 'separately' in s['group'] else [sum(s['residuals'].values(), [])]
        half = max(conformal_quantile(np.array(part), interval['level']) for part in parts if part)
        result.append({'when': s['when'], 'halfWidth': half,
                       'calibrationRows': sum(len(part) for part in s['residuals'].values()),
                       'calibratedWith': s['group']['calibrateWith']})
    return result


def coverage(strata, buildings, y, margin):
    half = np.array([strata[stratum_index(strata, b)]['halfWidth'] for b in buildings])
    inside = np.abs(np.asarray(y) - margin) <= half
    return {'coverage': round(float(np.mean(inside)), 4), 'meanWidthFactor': round(float(np.mean(np.exp(2 * half))), 3)}
