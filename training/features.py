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
]


def build_features(train_rows, min_rows):
    """Features in training order; one-hot and use-mix columns only for categories with >= min_rows rows."""
    features = [
        {'name': 'logPropertyGfaTotal', 'encoding': {'kind': 'log1p', 'input': 'propertyGfaTotal'}},
        {'name': 'logPropertyGfaParking', 'encoding': {'kind': 'log1p', 'input': 'propertyGfaParking'}},
        {'name': 'parkingShare', 'encoding': {'kind': 'ratio', 'numerator': 'propertyGfaParking',
                                              'denominator': 'propertyGfaTotal'}},
        {'name': 'yearBuilt', 'encoding': {'kind': 'numeric', 'input': 'yearBuilt'}},
        {'name': 'numberOfFloors', 'encoding': {'kind': 'numeric', 'input': 'numberOfFloors'}},
        {'name': 'numberOfBuildings', 'encoding': {'kind': 'numeric', 'input': 'numberOfBuildings'}},
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
        features.append({'name': f'useMix={use_type}', 'encoding': {'kind': 'use-mix', 'useType': use_type}})
    return features


# The inputs the estimate must follow, all else equal: never lower for a larger floor area, never higher for a better
# ENERGY STAR score. Each feature's constraint is the direction it moves with these inputs (times the wanted sign).
MONOTONE_INPUTS = {'propertyGfaTotal': 1, 'energyStarScore': -1}


def monotone_constraints(features, buildings):
    """XGBoost `monotone_constraints`, one per feature, derived from how each feature moves with MONOTONE_INPUTS.

    The direction is measured, not declared: every building is encoded again with the input raised (area x 1.5 and
    + 1 sq ft, score + 1 up to 100); a feature that never moves is free (0), one that only rises or only falls gets
    that direction times the input's wanted sign. A feature that rises for some buildings and falls for others, or
    that follows both inputs in opposite senses, cannot be constrained and is refused: it must be reformulated.
    """
    constraints = []
    for feature in features:
        encoding = feature['encoding']
        direction = 0
        for name, wanted in MONOTONE_INPUTS.items():
            moved = set()
            for building in buildings:
                if building.get(name) is None:
                    continue
                raised = dict(building)
                raised[name] = building[name] * 1.5 + 1 if name == 'propertyGfaTotal' else min(building[name] + 1, 100)
                before, after = encode_feature(building, encoding), encode_feature(raised, encoding)
                if math.isnan(before) != math.isnan(after):
                    raise ValueError(f'feature {feature["name"]} turns missing or present as {name} changes')
                if not math.isnan(before) and after != before:
                    moved.add(1 if after > before else -1)
            if len(moved) > 1:
                raise ValueError(f'feature {feature["name"]} rises and falls with {name}: reformulate it')
            if moved:
                wanted_direction = moved.pop() * wanted
                if direction not in (0, wanted_direction):
                    raise ValueError(f'feature {feature["name"]} follows the monotone inputs in opposite senses')
                direction = wanted_direction
        constraints.append(direction)
    return constraints


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


def use_mix(building, use_type):
    """The share of the declared use-type area (slots with a type and an area > 0) that is use_type.

    It does not read propertyGfaTotal, so a larger building with the same mix of uses has the same value.
    """
    matched = 0.0
    declared = 0.0
    for slot, _ in USE_SLOTS:
        slot_type = building.get(f'{slot}PropertyUseType')
        area = building.get(f'{slot}PropertyUseTypeGfa')
        if slot_type is None or area is None or not area > 0:
            continue
        declared += float(area)
        if slot_type == use_type:
            matched += float(area)
    return matched / declared if declared > 0 else NAN


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
    if kind == 'use-mix':
        return use_mix(building, encoding['useType'])
    if kind == 'expression':
        return evaluate_expression(encoding['expression'], {n: _value(building, n) for n in encoding['inputs']})
    raise ValueError(f'unknown encoding kind {kind!r}')


def encode(building, features):
    """The feature vector (doubles, NaN for missing) of one canonical building."""
    return [encode_feature(building, feature['encoding']) for feature in features]


def encode_matrix(buildings, features):
    return np.array([encode(b, features) for b in buildings], dtype=np.float64).reshape(len(buildings), len(features))
