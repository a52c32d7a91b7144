"""The FastAPI + pydantic + XGBoost peer of `POST /v1/predict`, for bench/server/run.mjs.

The same job done the usual Python way: pydantic validates the building with the API's rules (as far as pydantic
expresses them: types, ranges, unknown fields refused, category aliases from the same vocabulary.json, coherence
rules), the features are encoded from the same bundle.json, and XGBoost predicts with the same model file.
One worker: `/usr/bin/python3 -m uvicorn fastapi_app:app --port N` from this folder. MODELS_DIR picks the models.
"""
import datetime
import json
import math
import os
import re
from pathlib import Path
from typing import Optional

import numpy as np
import xgboost as xgb
from fastapi import FastAPI
from pydantic import BaseModel, StrictBool, StrictFloat, StrictInt, StrictStr, root_validator, validator

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = Path(os.environ.get("MODELS_DIR", ROOT / "models")) / "site-energy" / "1.0.0"
BUNDLE = json.loads((MODEL_DIR / "bundle.json").read_text())
VOCABULARY = json.loads((ROOT / "packages" / "schema" / "src" / "vocabulary.json").read_text())

booster = xgb.Booster()
booster.load_model(str(MODEL_DIR / BUNDLE["model"]["file"]))
booster.set_param({"nthread": 1})


def normalize(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def category_table(field: str) -> dict:
    table = {}
    for category in VOCABULARY["fields"][field]["categories"]:
        for alias in [category["name"], *category.get("aliases", [])]:
            table[normalize(alias)] = category["name"]
    return table


CATEGORIES = {field: category_table(field) for field in VOCABULARY["fields"]}
CURRENT_YEAR = datetime.date.today().year
Number = StrictFloat  # ints are accepted below by a pre-validator that keeps bools and strings out


def category(field: str):
    table = CATEGORIES[field]

    def check(value):
        if value is None:
            return value
        canonical = table.get(normalize(value))
        if canonical is None:
            raise ValueError(f"unknown {field}: {value}")
        return canonical

    return check


class Building(BaseModel):
    class Config:
        extra = "forbid"

    primaryPropertyType: StrictStr
    neighborhood: StrictStr
    yearBuilt: StrictInt
    numberOfFloors: StrictInt
    propertyGfaTotal: float
    buildingType: Optional[StrictStr] = None
    numberOfBuildings: Optional[StrictInt] = None
    propertyGfaParking: Optional[float] = None
    largestPropertyUseType: Optional[StrictStr] = None
    largestPropertyUseTypeGfa: Optional[float] = None
    secondLargestPropertyUseType: Optional[StrictStr] = None
    secondLargestPropertyUseTypeGfa: Optional[float] = None
    thirdLargestPropertyUseType: Optional[StrictStr] = None
    thirdLargestPropertyUseTypeGfa: Optional[float] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    energyStarScore: Optional[StrictInt] = None
    usesSteam: Optional[StrictBool] = None
    usesNaturalGas: Optional[StrictBool] = None

    @validator(
        "propertyGfaTotal", "propertyGfaParking", "largestPropertyUseTypeGfa", "secondLargestPropertyUseTypeGfa",
        "thirdLargestPropertyUseTypeGfa", "latitude", "longitude", pre=True,
    )
    def real_number(cls, value):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)):
            raise ValueError("must be a finite number")
        return value

    @validator("propertyGfaTotal", "largestPropertyUseTypeGfa", "secondLargestPropertyUseTypeGfa", "thirdLargestPropertyUseTypeGfa")
    def area(cls, value):
        if value is not None and not (0 < value <= 100_000_000):
            raise ValueError("must be > 0 and <= 100,000,000 sq ft")
        return value

    @validator("propertyGfaParking")
    def parking(cls, value):
        if value is not None and not (0 <= value <= 100_000_000):
            raise ValueError("must be >= 0")
        return value

    @validator("yearBuilt")
    def year(cls, value):
        if not (1850 <= value <= CURRENT_YEAR):
            raise ValueError(f"must be from 1850 to {CURRENT_YEAR}")
        return value

    @validator("numberOfFloors", "numberOfBuildings")
    def at_least_one(cls, value):
        if value is not None and value < 1:
            raise ValueError("must be >= 1")
        return value

    @validator("energyStarScore")
    def score(cls, value):
        if value is not None and not (1 <= value <= 100):
            raise ValueError("must be 1 to 100")
        return value

    _primary = validator("primaryPropertyType", allow_reuse=True)(category("primaryPropertyType"))
    _neighborhood = validator("neighborhood", allow_reuse=True)(category("neighborhood"))
    _building_type = validator("buildingType", allow_reuse=True)(category("buildingType"))
    _use_types = validator(
        "largestPropertyUseType", "secondLargestPropertyUseType", "thirdLargestPropertyUseType", allow_reuse=True,
    )(category("useType"))

    @root_validator(skip_on_failure=True)
    def coherence(cls, values):
        total = values["propertyGfaTotal"]
        if values.get("propertyGfaParking") is not None and values["propertyGfaParking"] > total:
            raise ValueError("propertyGfaParking must not exceed propertyGfaTotal")
        if (values.get("latitude") is None) != (values.get("longitude") is None):
            raise ValueError("latitude and longitude go together")
        if values.get("latitude") is not None and not (47.48 <= values["latitude"] <= 47.74 and -122.44 <= values["longitude"] <= -122.22):
            raise ValueError("coordinates must be inside Seattle")
        previous = math.inf
        for rank in ("largest", "secondLargest", "thirdLargest"):
            kind, gfa = values.get(f"{rank}PropertyUseType"), values.get(f"{rank}PropertyUseTypeGfa")
            if (kind is None) != (gfa is None):
                raise ValueError(f"{rank}PropertyUseType and its area go together")
            if gfa is not None:
                if gfa > previous:
                    raise ValueError("use-type areas must be largest >= second >= third")
                previous = gfa
        return values


def encode(building: dict) -> list:
    def get(name):
        value = building.get(name)
        return math.nan if value is None else float(value)

    vector = []
    for feature in BUNDLE["features"]:
        enc = feature["encoding"]
        kind = enc["kind"]
        if kind == "numeric":
            vector.append(get(enc["input"]))
        elif kind == "log1p":
            vector.append(math.log1p(get(enc["input"])))
        elif kind == "ratio":
            denominator = get(enc["denominator"])
            vector.append(get(enc["numerator"]) / denominator if denominator else math.nan)
        elif kind == "boolean":
            vector.append(get(enc["input"]))
        elif kind == "one-hot":
            vector.append(1.0 if building.get(enc["input"]) == enc["category"] else 0.0)
        elif kind == "use-share":
            area = sum(
                building.get(f"{rank}PropertyUseTypeGfa") or 0.0
                for rank in ("largest", "secondLargest", "thirdLargest")
                if building.get(f"{rank}PropertyUseType") == enc["useType"]
            )
            vector.append(area / building["propertyGfaTotal"])
        elif kind == "use-mix":
            slots = [
                (building.get(f"{rank}PropertyUseType"), building.get(f"{rank}PropertyUseTypeGfa") or 0.0)
                for rank in ("largest", "secondLargest", "thirdLargest")
            ]
            declared = sum(area for use, area in slots if use is not None and area > 0)
            matched = sum(area for use, area in slots if use == enc["useType"] and area > 0)
            vector.append(matched / declared if declared > 0 else math.nan)
        elif kind == "expression":
            scope = {name: get(name) for name in enc["inputs"]}
            try:
                vector.append(float(eval(enc["expression"], {"__builtins__": {}}, scope)))
            except ZeroDivisionError:
                vector.append(math.nan)
        else:
            raise ValueError(f"unknown encoding {kind}")
    return vector


def half_width(building: dict) -> float:
    for stratum in BUNDLE["interval"]["strata"]:
        when = stratum.get("when", {})
        if any(building.get(f) is None for f in when.get("present", [])):
            continue
        if any(building.get(f) is not None for f in when.get("absent", [])):
            continue
        bounds = when.get("range")
        if bounds:
            value = building.get(bounds["input"])
            if value is None or (bounds["min"] is not None and value < bounds["min"]) or (bounds["max"] is not None and value >= bounds["max"]):
                continue
        return stratum["halfWidth"]
    return BUNDLE["interval"]["strata"][-1]["halfWidth"]


app = FastAPI()


@app.get("/readyz")
def readyz():
    return {"status": "ready"}


@app.post("/v1/predict")
def predict(building: Building):
    values = building.dict()
    row = np.asarray([encode(values)], dtype=np.float32)
    margin = float(booster.inplace_predict(row, predict_type="margin")[0])
    width = half_width(values)
    return {
        "model": {"name": BUNDLE["name"], "version": BUNDLE["version"]},
        "target": BUNDLE["target"]["column"],
        "unit": BUNDLE["target"]["unit"],
        "value": math.exp(margin),
        "interval": {"low": math.exp(margin - width), "high": math.exp(margin + width), "level": BUNDLE["interval"]["level"]},
        "warnings": [],
    }
