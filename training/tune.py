"""Offline parameter search (not part of `npm run train`): 5-fold CV on the training split only.

    /usr/bin/python3 training/tune.py [--trials 16]

Scores each candidate by the out-of-fold R^2 of ln(target) WITHOUT the ENERGY STAR score (the headline target
for site-energy), trains with the same masked copies as train.py, and writes training/tuning-results-<model>.json. The chosen
parameters are then copied by hand into training/config.json (the README records the numbers).
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import load_rows  # noqa: E402
from features import build_features, monotone_constraints  # noqa: E402
from modeling import out_of_fold, quality, split_ids  # noqa: E402
from vocabulary import Vocabulary  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPACE = {
    'max_depth': [4, 5, 6],
    'eta': [0.015, 0.02, 0.03],
    'subsample': [0.7, 0.8, 0.9],
    'colsample_bytree': [0.3, 0.4, 0.5, 0.7],
    'min_child_weight': [1, 3, 6, 10],
    'lambda': [1, 3, 10],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--trials', type=int, default=16)
    parser.add_argument('--model', default='site-energy')
    args = parser.parse_args()
    with open(os.path.join(ROOT, 'training', 'config.json'), encoding='utf-8') as handle:
        config = json.load(handle)
    spec = next(m for m in config['models'] if m['name'] == args.model)
    rows, _ = load_rows(os.path.join(ROOT, config['data']), Vocabulary(os.path.join(ROOT, config['vocabulary'])))
    test_ids = split_ids(rows, config['split']['testFraction'], config['split']['seed'])
    train = [dict(r, y=math.log(r['targets'][spec['column']])) for r in rows
             if r['id'] not in test_ids and r['targets'][spec['column']] > 0]
    features = build_features(train, config['minCategoryRows'])
    constraints = '(' + ','.join(str(c) for c in monotone_constraints(features, [r['canonical'] for r in train])) + ')'
    spec = dict(spec, params=dict(spec['params'], monotone_constraints=constraints))
    y = np.array([r['y'] for r in train])
    rng = np.random.default_rng(0)
    candidates = [dict(spec['params'])]
    for _ in range(args.trials - 1):
        candidates.append(dict(spec['params'], **{k: v[rng.integers(len(v))] for k, v in SPACE.items()}))
    results = []
    for params in candidates:
        candidate = dict(spec, params={k: (v.item() if hasattr(v, 'item') else v) for k, v in params.items()})
        oof = out_of_fold(train, features, candidate, config['masking'], 5, 0,
                          {'withEnergyStarScore': [], 'withoutEnergyStarScore': ['energyStarScore']})
        result = {'params': candidate['params'],
                  'withoutEnergyStarScore': quality(y, oof['withoutEnergyStarScore']),
                  'withEnergyStarScore': quality(y, oof['withEnergyStarScore'])}
        results.append(result)
        print(json.dumps(result), flush=True)
    results.sort(key=lambda r: -r['withoutEnergyStarScore']['r2Log'])
    out = os.path.join(ROOT, 'training', f'tuning-results-{args.model}.json')
    with open(out, 'w', encoding='utf-8') as handle:
        handle.write(json.dumps({'rounds': spec['rounds'], 'folds': 5, 'trainRows': len(train), 'results': results},
                                indent=2) + '\n')
    print('best:', json.dumps(results[0]))


if __name__ == '__main__':
    main()
