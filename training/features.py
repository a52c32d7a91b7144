"""The feature list (bundle.json `features`) and the encoder that turns a canonical building into its vector.

Every feature is one of ARCHITECTURE.md's encoding kinds, so packages/schema's TypeScript encoder can rebuild the
same doubles from the bundle alone. Missing inputs give NaN, which XGBoost routes down each split's default branch.
"""
import math
from collections import Counter

import numpy as np

from data import USE_SLOTS

NAN = float('nan')

# Expressions are evaluated here by `evaluate_expression` (plain + - * / on doubles, like mathjs with numbers) and by
# mathjs in TypeScript; keep them to those four operators so both give the same IEEE 754 result.
EXPRESSIONS = [
    ('buildingGfa', 'propertyGfaTotal - propertyGfaParking', ['propertyGfaTotal', 'propertyGfaParking']),
    ('buildingGfaPerFloor', '(propertyGfaTotal - propertyGfaParking) / numberOfFloors',
     ['propertyGfaTotal', 'propertyGfaParking', 'numberOfFloors']),
]


def build_features(train_rows, min_rows):
    """Features in training order; one-hot and use-share columns only for categories with >= min_rows rows."""
    features = [
        {'name': 'logPropertyGfaTotal', 'encoding': {'kind': 'log1p', 'input': 'propertyGfaTotal'}},
        {'name': 'logPropertyGfaParking', 'encoding': {'kind': 'log1p', 'input': 'propertyGfaParking'}},
        {'name': 'parkingShare', 'encoding': {'kind': 'ratio', 'numerator': 'propertyGfaParking',
                                              'denominator': 'propertyGfaTotal'}},
        {'name': 'yearBuilt', 'encoding': {'kind': 'numeric', 'input': 'yearBuilt'}},
        {'name': 'numberOfFloors', 'encoding': {'kind': 'numeric', 'input': 'numberOfFloors'}},
        {'name': 'numberOfBuildings', 'encoding': {'kind': 'numeric', 'input': 'numberOfBuildings'}},
        {'name': 'gfaPerFloor', 'encoding': {'kind': 'ratio', 'numerator': 'propertyGfaTotal',
                                             'denominator': 'numberOfFloors'}},
        {'name': 'gfaPerBuilding', 'encoding': {'kind': 'ratio', 'numerator': 'propertyGfaTotal',
                                                'denominator': 'numberOfBuildings'}},
        {'name': 'largestUseShareOfTotal', 'encoding': {'kind': 'ratio', 'numerator': 'largestPropertyUseTypeGfa',
                                                        'denominator': 'propertyGfaTotal'}},
    ]
    for name, expression, inputs in EXPRESSIONS:
        features.append({'name': name, 'encoding': {'kind': 'expression', 'expression': expression, 'inputs': inputs}})
    features += [
        {'name': 'energyStarScore', 'encoding': {'kind': 'numeric', 'input': 'energyStarScore'}},
        {'name': 'usesSteam', 'encoding': {'kind': 'boolean', 'input': 'usesSteam'}},
        {'name': 'usesNaturalGas', 'encoding': {'kind': 'boolean', 'input': 'usesNaturalGas'}},
        {'name': 'latitude', 'encoding': {'kind': 'numeric', 'input': 'latitude'}},
        {'name': 'longitude', 'encoding': {'kind': 'numeric', 'input': 'longitude'}},
    ]
    for field in ['primaryPropertyType', 'buildingType', 'neighborhood']:
        counts = Counter(row['canonical'][field] for row in train_rows if row['canonical'].get(field) is not None)
        for category in sorted(c for c, n in counts.items() if n >= min_rows):
            features.append({'name': f'{field}={category}',
                             'encoding': {'kind': 'one-hot', 'input': field, 'category': category}})
    uses = Counter()
    for row in train_rows:
        for slot, _ in USE_SLOTS:
            use_type = row['canonical'].get(f'{slot}PropertyUseType')
            if use_type is not None:
                uses[use_type] += 1
    for use_type in sorted(u for u, n in uses.items() if n >= min_rows):
        features.append({'name': f'useShare={use_type}', 'encoding': {'kind': 'use-share', 'useType': use_type}})
    return features


def _value(building, name):
    value = building.get(name)
    if value is None:
        return NAN
    return float(value)


def evaluate_expression(expression, scope):
    """Evaluates one of EXPRESSIONS with double arithmetic; division by zero gives +-Infinity/NaN as in mathjs."""
    with np.errstate(divide='ignore', invalid='ignore'):
        result = eval(expression, {'__builtins__': {}}, {k: np.float64(v) for k, v in scope.items()})  # noqa: S307
    return float(result)


def use_share(building, use_type):
    matched = 0.0
    declared = 0.0
    counted = 0
    for slot, _ in USE_SLOTS:
        slot_type = building.get(f'{slot}PropertyUseType')
        area = building.get(f'{slot}PropertyUseTypeGfa')
        if slot_type is None or area is None:
            continue
        counted += 1
        declared += float(area)
        if slot_type == use_type:
            matched += float(area)
    if counted == 0:
        return NAN
    return matched / max(float(building['propertyGfaTotal']), declared)


def encode_feature(building, encoding):
    kind = encoding['kind']
    if kind == 'numeric':
        return _value(building, encoding['input'])
    if kind == 'log1p':
        return math.log1p(_value(building, encoding['input'])) if building.get(encoding['input']) is not None else NAN
    if kind == 'ratio':
        numerator, denominator = _value(building, encoding['numerator']), _value(building, encoding['denominator'])
        if math.isnan(numerator) or math.isnan(denominator):
            return NAN
        return evaluate_expression('n / d', {'n': numerator, 'd': denominator})
    if kind == 'boolean':
        value = building.get(encoding['input'])
        return NAN if value is None else (1.0 if value else 0.0)
    if kind == 'one-hot':
        value = building.get(encoding['input'])
        return NAN if value is None else (1.0 if value == encoding['category'] else 0.0)
    if kind == 'use-share':
        return use_share(building, encoding['useType'])
    if kind == 'expression':
        return evaluate_expression(encoding['expression'], {n: _value(building, n) for n in encoding['inputs']})
    raise ValueError(f'unknown encoding kind {kind!r}')


def encode(building, features):
    """The feature vector (doubles, NaN for missing) of one canonical building."""
    return [encode_feature(building, feature['encoding']) for feature in features]


def encode_matrix(buildings, features):
    return np.array([encode(b, features) for b in buildings], dtype=np.float64).reshape(len(buildings), len(features))
