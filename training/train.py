"""Trains the Seattle models and writes their bundles: models/<name>/<version>/{model.json,bundle.json,golden.json}.

    /usr/bin/python3 training/train.py            # retrain and rewrite the bundles and the README metrics
    /usr/bin/python3 training/train.py --check    # retrain into a temp dir; exit 1 if anything differs

Deterministic: fixed seeds, one thread, createdAt from training/config.json, so a rerun is byte-identical.
"""
import argparse
import filecmp
import json
import math
import os
import sys
import tempfile

import numpy as np
import xgboost as xgb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bundle import golden_rows, readme_block, training_range, write_json  # noqa: E402
from data import load_rows, sha256_of  # noqa: E402
from features import build_features, monotone_constraints  # noqa: E402
from modeling import (SCENARIOS, calibrate, coverage, fit, out_of_fold, predict_margin, quality,  # noqa: E402
                      scenario_fields, size_edges, split_ids, without)
from vocabulary import Vocabulary  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, 'training', 'README.md')
MARK_START, MARK_END = '<!-- metrics:start -->', '<!-- metrics:end -->'


def train_model(spec, config, rows, test_ids, features, counts, out_root):
    masking = config['masking']
    usable = [dict(row, y=math.log(row['targets'][spec['column']])) for row in rows
              if row['targets'][spec['column']] > 0]
    train = [row for row in usable if row['id'] not in test_ids]
    test = [row for row in usable if row['id'] in test_ids]

    interval_cfg = config['interval']
    scenarios = {name: scenario_fields(name, masking) for name in SCENARIOS}
    oof = out_of_fold(train, features, spec, masking, interval_cfg['folds'], interval_cfg['seed'], scenarios)
    edges = size_edges(train, interval_cfg['sizeInput'], interval_cfg['sizeBins'])
    strata = calibrate(train, oof, interval_cfg, edges, masking)

    booster = fit(train, features, spec, masking)
    y_test = np.array([row['y'] for row in test])
    metrics, covered = {}, {}
    for name in SCENARIOS:
        buildings = [without(row['canonical'], scenario_fields(name, masking)) for row in test]
        margin = predict_margin(booster, buildings, features)
        metrics[name] = quality(y_test, margin)
        covered[name] = coverage(strata, buildings, y_test, margin)
    with_score = [i for i, row in enumerate(test) if row['canonical'].get('energyStarScore') is not None]
    scored = [test[i]['canonical'] for i in with_score]
    metrics['scoredRowsWithEnergyStarScore'] = quality(y_test[with_score], predict_margin(booster, scored, features))
    metrics['scoredRowsWithEnergyStarScore']['rows'] = len(with_score)

    directory = os.path.join(out_root, spec['name'], config['version'])
    os.makedirs(directory, exist_ok=True)
    model_path = os.path.join(directory, 'model.json')
    booster.save_model(model_path)
    golden = golden_rows(booster, test, features, config, spec)
    write_json(os.path.join(directory, 'golden.json'), golden)

    data_path = os.path.join(ROOT, config['data'])
    bundle = {
        'formatVersion': 1,
        'name': spec['name'],
        'version': config['version'],
        'description': spec['description'],
        'createdAt': config['createdAt'],
        'framework': {'name': 'xgboost', 'version': xgb.__version__},
        'model': {'file': 'model.json', 'format': 'xgboost-json', 'sha256': sha256_of(model_path),
                  'trees': spec['rounds'], 'params': {k: v for k, v in spec['params'].items()}},
        'target': {'column': spec['column'], 'unit': spec['unit'], 'transform': 'log'},
        'inputs': sorted({name for f in features for name in inputs_of(f['encoding'])}, key=input_order),
        'features': features,
        'trainingData': {
            'file': config['data'],
            'sha256': sha256_of(data_path),
            'rows': {'train': len(train), 'test': len(test), 'trainWithMaskedCopies': len(train) * (1 + masking['copies'])},
            'filter': filter_text(spec),
            'counts': counts,
            'split': {'testFraction': config['split']['testFraction'], 'seed': config['split']['seed']},
            'masking': masking,
        },
        'metrics': {'heldOut': metrics},
        'interval': {
            'method': 'mondrian-cross-conformal',
            'level': interval_cfg['level'],
            'space': 'log',
            'folds': interval_cfg['folds'],
            'strata': strata,
            'coverage': covered,
        },
        'trainingRange': training_range(train),
        'golden': {'file': 'golden.json', 'rows': len(golden['rows'])},
    }
    write_json(os.path.join(directory, 'bundle.json'), bundle)
    # SHA256SUMS seals every file, bundle.json included (sha256sum format: `sha256sum -c SHA256SUMS` checks it).
    with open(os.path.join(directory, 'SHA256SUMS'), 'w', encoding='utf-8') as handle:
        for name in sorted(['bundle.json', 'golden.json', 'model.json']):
            handle.write('%s  %s\n' % (sha256_of(os.path.join(directory, name)), name))
    return bundle


INPUT_ORDER = ['primaryPropertyType', 'neighborhood', 'yearBuilt', 'numberOfFloors', 'propertyGfaTotal',
               'buildingType', 'numberOfBuildings', 'propertyGfaParking', 'largestPropertyUseType',
               'largestPropertyUseTypeGfa', 'secondLargestPropertyUseType', 'secondLargestPropertyUseTypeGfa',
               'thirdLargestPropertyUseType', 'thirdLargestPropertyUseTypeGfa', 'latitude', 'longitude',
               'energyStarScore', 'usesSteam', 'usesNaturalGas']


def input_order(name):
    return INPUT_ORDER.index(name)


def inputs_of(encoding):
    kind = encoding['kind']
    if kind in ('numeric', 'log1p', 'boolean', 'one-hot'):
        return [encoding['input']]
    if kind == 'ratio':
        return [encoding['numerator'], encoding['denominator']]
    if kind == 'expression':
        return encoding['inputs']
    if kind in ('use-share', 'use-mix'):
        slots = [f'{slot}PropertyUseType{suffix}' for slot in ('largest', 'secondLargest', 'thirdLargest')
                 for suffix in ('', 'Gfa')]
        return (['propertyGfaTotal'] if kind == 'use-share' else []) + slots
    raise ValueError(kind)


def filter_text(spec):
    return ('BuildingType not Multifamily*; ComplianceStatus == "Compliant"; Outlier empty; SiteEnergyUse(kBtu) > 0; '
            'PrimaryPropertyType in scope' + ('' if spec['column'] == 'SiteEnergyUse(kBtu)' else f'; {spec["column"]} > 0'))


def run(out_root, config):
    vocabulary = Vocabulary(os.path.join(ROOT, config['vocabulary']))
    rows, counts = load_rows(os.path.join(ROOT, config['data']), vocabulary)
    test_ids = split_ids(rows, config['split']['testFraction'], config['split']['seed'])
    train_rows = [row for row in rows if row['id'] not in test_ids]
    features = build_features(train_rows, config['minCategoryRows'])
    constrained = constrain(features, train_rows)
    bundles = [train_model(constrained(spec), config, rows, test_ids, features, counts, out_root)
               for spec in config['models']]
    return readme_block(bundles)


def constrain(features, train_rows):
    """A spec with XGBoost's monotone_constraints for these features (the estimate follows floor area up and the
    ENERGY STAR score down by construction, features.monotone_constraints); recorded in bundle.json model.params."""
    constraints = '(' + ','.join(str(c) for c in monotone_constraints(features, [r['canonical'] for r in train_rows])) + ')'
    return lambda spec: dict(spec, params=dict(spec['params'], monotone_constraints=constraints))


def replace_block(text, block):
    start, end = text.index(MARK_START) + len(MARK_START), text.index(MARK_END)
    return text[:start] + '\n' + block + text[end:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true', help='retrain into a temp dir and compare with models/')
    args = parser.parse_args()
    with open(os.path.join(ROOT, 'training', 'config.json'), encoding='utf-8') as handle:
        config = json.load(handle)
    committed = os.path.join(ROOT, 'models')
    with open(README, encoding='utf-8') as handle:
        readme = handle.read()
    if not args.check:
        block = run(committed, config)
        with open(README, 'w', encoding='utf-8') as handle:
            handle.write(replace_block(readme, block))
        print(block)
        return 0
    with tempfile.TemporaryDirectory() as temp:
        block = run(temp, config)
        problems = []
        for spec in config['models']:
            relative = os.path.join(spec['name'], config['version'])
            fresh, kept = os.path.join(temp, relative), os.path.join(committed, relative)
            names = sorted(set(os.listdir(fresh)) | set(os.listdir(kept) if os.path.isdir(kept) else []))
            for name in names:
                a, b = os.path.join(fresh, name), os.path.join(kept, name)
                if not (os.path.isfile(a) and os.path.isfile(b) and filecmp.cmp(a, b, shallow=False)):
                    problems.append(f'models/{relative}/{name} differs from a fresh training run')
        if replace_block(readme, block) != readme:
            problems.append('training/README.md metrics differ from a fresh training run')
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print('Run `npm run train` and commit the result.', file=sys.stderr)
        return 1
    print('bundles reproduce byte for byte')
    return 0


if __name__ == '__main__':
    sys.exit(main())
