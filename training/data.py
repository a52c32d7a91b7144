"""The 2016 Seattle benchmarking rows as the API sees them: filtered, with quirks resolved, as public buildings.

Every building is a dict keyed by the public field names (the API contract), holding only what an owner can tell
us; measured energy never enters it except as the owner-known flags `usesSteam` / `usesNaturalGas`.
"""
import hashlib
import math

import pandas as pd

USE_SLOTS = [('largest', 'Largest'), ('secondLargest', 'SecondLargest'), ('thirdLargest', 'ThirdLargest')]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _number(value):
    """A CSV number as a plain int when it is whole (areas, years, counts), else a float."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _given(value):
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def to_building(row):
    """The public fields of one CSV row, in raw dataset spellings. Quirks:

    - 0 floors (16 rows) is not a floor count: numberOfFloors becomes missing (None) for training;
    - 0 buildings (52 rows) likewise leaves numberOfBuildings out (it is optional);
    - a use-type slot counts only with both its type and an area > 0 (some second/third areas are 0);
    - LargestPropertyUseTypeGFA above PropertyGFATotal is kept; the use-mix encoding divides by the declared areas.
    """
    building = {
        'primaryPropertyType': row['PrimaryPropertyType'],
        'neighborhood': row['Neighborhood'],
        'yearBuilt': _number(row['YearBuilt']),
        'numberOfFloors': _number(row['NumberofFloors']) if row['NumberofFloors'] > 0 else None,
        'propertyGfaTotal': _number(row['PropertyGFATotal']),
        'buildingType': row['BuildingType'],
    }
    if _given(row['NumberofBuildings']) and row['NumberofBuildings'] > 0:
        building['numberOfBuildings'] = _number(row['NumberofBuildings'])
    if _given(row['PropertyGFAParking']):
        building['propertyGfaParking'] = _number(row['PropertyGFAParking'])
    for slot, column in USE_SLOTS:
        use_type, area = row[f'{column}PropertyUseType'], row[f'{column}PropertyUseTypeGFA']
        if _given(use_type) and _given(area) and area > 0:
            building[f'{slot}PropertyUseType'] = use_type
            building[f'{slot}PropertyUseTypeGfa'] = _number(area)
    if _given(row['Latitude']) and _given(row['Longitude']):
        building['latitude'] = float(row['Latitude'])
        building['longitude'] = float(row['Longitude'])
    if _given(row['ENERGYSTARScore']):
        building['energyStarScore'] = _number(row['ENERGYSTARScore'])
    building['usesSteam'] = bool(row['SteamUse(kBtu)'] > 0)
    building['usesNaturalGas'] = bool(row['NaturalGas(kBtu)'] > 0)
    return building


def load_rows(csv_path, vocabulary):
    """Filters the CSV and returns (rows, counts). Each row: {id, building, canonical, targets}.

    Filter: BuildingType not Multifamily*, ComplianceStatus Compliant, no Outlier flag, SiteEnergyUse > 0,
    and a primaryPropertyType the API accepts (two 'Low-Rise Multifamily' rows are out of scope).
    """
    frame = pd.read_csv(csv_path)
    counts = {'csv': len(frame)}
    frame = frame[~frame['BuildingType'].str.startswith('Multifamily')]
    counts['nonResidential'] = len(frame)
    frame = frame[frame['ComplianceStatus'] == 'Compliant']
    counts['compliant'] = len(frame)
    frame = frame[frame['Outlier'].isna()]
    counts['notOutlier'] = len(frame)
    frame = frame[frame['SiteEnergyUse(kBtu)'] > 0]
    counts['siteEnergyPositive'] = len(frame)
    rows = []
    out_of_scope = 0
    for _, record in frame.iterrows():
        building = to_building(record)
        if vocabulary.resolve('primaryPropertyType', building['primaryPropertyType'])[0] == 'out-of-scope':
            out_of_scope += 1
            continue
        rows.append({
            'id': int(record['OSEBuildingID']),
            'building': building,
            'canonical': canonicalize(building, vocabulary),
            'targets': {
                'SiteEnergyUse(kBtu)': float(record['SiteEnergyUse(kBtu)']),
                'TotalGHGEmissions': float(record['TotalGHGEmissions']),
            },
        })
    counts['inScope'] = len(rows)
    counts['outOfScopePropertyType'] = out_of_scope
    return rows, counts


CATEGORY_FIELDS = {
    'primaryPropertyType': 'primaryPropertyType',
    'neighborhood': 'neighborhood',
    'buildingType': 'buildingType',
    'largestPropertyUseType': 'useType',
    'secondLargestPropertyUseType': 'useType',
    'thirdLargestPropertyUseType': 'useType',
}


def canonicalize(building, vocabulary):
    """A copy of `building` with every category replaced by its canonical vocabulary name."""
    result = dict(building)
    for field, family in CATEGORY_FIELDS.items():
        if result.get(field) is not None:
            result[field] = vocabulary.canonical(family, result[field])
    return result
