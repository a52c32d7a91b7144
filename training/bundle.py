"""Bundle pieces: the golden skew file, the training range, the README metrics block, stable JSON writing."""
import json
from collections import Counter

import numpy as np
import xgboost as xgb

from data import CATEGORY_FIELDS
from features import encode_matrix
from modeling import without

NUMERIC_INPUTS = ['yearBuilt', 'numberOfFloors', 'propertyGfaTotal', 'numberOfBuildings', 'propertyGfaParking',
                  'largestPropertyUseTypeGfa', 'secondLargestPropertyUseTypeGfa', 'thirdLargestPropertyUseTypeGfa',
                  'latitude', 'longitude', 'energyStarScore']
SEATTLE = {'latitude': (47.48, 47.74), 'longitude': (-122.44, -122.22)}


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(json.dumps(value, indent=2, allow_nan=False, ensure_ascii=False) + '\n')


def _null_nan(values):
    return [None if np.isnan(v) else float(v) for v in values]


def coherent(building):
    """What the API's validator accepts, so a golden building is one a user could send."""
    if building.get('numberOfFloors') is None or building['yearBuilt'] < 1850:
        return False
    if building.get('propertyGfaParking', 0) > building['propertyGfaTotal']:
        return False
    for field, (low, high) in SEATTLE.items():
        if field in building and not low <= building[field] <= high:
            return False
    areas = [building.get(f'{s}PropertyUseTypeGfa') for s in ('largest', 'secondLargest', 'thirdLargest')]
    given = [a for a in areas if a is not None]
    return given == sorted(given, reverse=True) and areas[: len(given)] == given


def golden_rows(booster, test, features, config, spec):
    """~50 held-out buildings as a user would send them, their vectors and XGBoost's own outputs.

    Odd rows keep the dataset's raw category spellings ('NORTH', 'DELRIDGE NEIGHBORHOODS'), even rows the canonical
    names; some rows drop optional inputs on purpose so the missing-value paths are pinned too.
    """
    groups = config['masking']['groups']
    pool = sorted((row for row in test if coherent(row['building'])), key=lambda row: row['id'])
    rng = np.random.default_rng(config['golden']['seed'])
    chosen = sorted(rng.choice(len(pool), size=min(config['golden']['rows'], len(pool)), replace=False))
    rows = []
    for i, index in enumerate(chosen):
        row = pool[index]
        dropped = []
        if i % 5 == 3:
            dropped += groups['energyStarScore']
        if i % 7 == 4:
            dropped += groups['location']
        if i % 9 == 5:
            dropped += groups['useTypes']
        if i % 11 == 6:
            dropped = [field for group in groups.values() for field in group]
        source = row['building'] if i % 2 == 1 else row['canonical']
        building = {k: v for k, v in without(source, dropped).items() if v is not None}
        rows.append((row, building, without(row['canonical'], dropped)))
    encoded = encode_matrix([canonical for _, _, canonical in rows], features)
    matrix = xgb.DMatrix(encoded, feature_names=[f['name'] for f in features], nthread=1)
    margins = booster.predict(matrix, output_margin=True)
    predictions = booster.predict(matrix)
    contributions = booster.predict(matrix, pred_contribs=True)
    return {
        'model': spec['name'],
        'version': config['version'],
        'description': 'Held-out buildings as sent to the API, their encoded feature vectors (doubles before the '
                       'float32 cast, null = missing) and XGBoost 1.7.4 outputs: margin (output_margin=True), '
                       'prediction (default), contributions (pred_contribs=True, last entry = bias). '
                       'The model predicts ln(target).',
        'features': [f['name'] for f in features],
        'rows': [
            {
                'id': row['id'],
                'building': building,
                'observed': row['targets'][spec['column']],
                'encoded': _null_nan(encoded[i]),
                'margin': float(margins[i]),
                'prediction': float(predictions[i]),
                'contributions': [float(c) for c in contributions[i]],
            }
            for i, (row, building, _) in enumerate(rows)
        ],
    }


def training_range(train):
    numeric = {}
    for name in NUMERIC_INPUTS:
        values = [row['canonical'][name] for row in train if row['canonical'].get(name) is not None]
        numeric[name] = {'min': min(values), 'max': max(values)}
    categories = {}
    for field in CATEGORY_FIELDS:
        counts = Counter(row['canonical'][field] for row in train if row['canonical'].get(field) is not None)
        categories[field] = dict(sorted(counts.items()))
    return {'rows': len(train), 'numeric': numeric, 'categories': categories}


def readme_block(bundles):
    lines = ['| model | inputs on the held-out split | rows | R² (log) | median APE | 90% interval coverage |',
             '|---|---|---|---|---|---|']
    labels = {'withEnergyStarScore': 'as given (ENERGY STAR score where known)',
              'withoutEnergyStarScore': 'without ENERGY STAR score',
              'requiredInputsOnly': 'required inputs only'}
    for bundle in bundles:
        test_rows = bundle['trainingData']['rows']['test']
        for key, label in labels.items():
            m = bundle['metrics']['heldOut'][key]
            c = bundle['interval']['coverage'][key]['coverage']
            lines.append(f"| `{bundle['name']}` | {label} | {test_rows} | {m['r2Log']:.3f} | {m['medianApe'] * 100:.1f}% "
                         f'| {c:.3f} |')
        scored = bundle['metrics']['heldOut']['scoredRowsWithEnergyStarScore']
        lines.append(f"| `{bundle['name']}` | rows that have an ENERGY STAR score | {scored['rows']} | "
                     f"{scored['r2Log']:.3f} | {scored['medianApe'] * 100:.1f}% | |")
    return '\n'.join(lines) + '\n'
