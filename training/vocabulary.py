"""Category matching shared with the API: reads packages/schema/src/vocabulary.json, the one source of truth.

Matching mirrors `matchCategory` in packages/schema/src/vocabulary.ts: lowercase, drop every character that is not
a letter or digit, then look the result up among each category's name and aliases. The API's `nearest` and `bySize`
names (types the models never saw, "Office" read by floor area) are left out here: no training row has one, and
reading them would be a guess this script must never make silently.
"""
import json
import re


def normalize(value):
    """The key matching compares: lowercase letters and digits only."""
    return re.sub(r'[^a-z0-9]', '', str(value).lower())


class Vocabulary:
    """Canonical category names per field (`primaryPropertyType`, `neighborhood`, `useType`, `buildingType`)."""

    def __init__(self, path):
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
        self.tables = {}
        for field, spec in data['fields'].items():
            table = {}
            for category in spec['categories']:
                for alias in category['aliases']:
                    table[normalize(alias)] = ('match', category['name'])
                table[normalize(category['name'])] = ('match', category['name'])
            for name, choices in spec.get('ambiguous', {}).items():
                table[normalize(name)] = ('ambiguous', choices)
            for name in data.get('outOfScope', {}).get(field, []):
                table[normalize(name)] = ('out-of-scope', None)
            self.tables[field] = table
        self.names = {field: [c['name'] for c in spec['categories']] for field, spec in data['fields'].items()}

    def resolve(self, field, value):
        """('match', name) | ('ambiguous', choices) | ('out-of-scope', None) | ('unknown', None)."""
        return self.tables[field].get(normalize(value), ('unknown', None))

    def canonical(self, field, value):
        """The canonical name of `value`; raises ValueError when it is not exactly one known category."""
        kind, name = self.resolve(field, value)
        if kind != 'match':
            raise ValueError(f'{field} {value!r} is {kind} in the vocabulary')
        return name
