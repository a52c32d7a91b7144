// README "Install and import": load a model file (its format is detected from the content) and predict one row.
import { readFileSync } from 'node:fs';

import { loadModel, type Row } from '@seattle-energy/runtime';

export function predictRow(modelFile: string, row: Row) {
  const model = loadModel(readFileSync(modelFile, 'utf8')); // XGBoost save_model JSON, detected from the content
  return {
    prediction: model.predict(row), // missing values: null, undefined or NaN
    margin: model.predict(row, 'margin'), // raw sum of trees
    contrib: model.predict(row, 'contrib'), // TreeSHAP: one value per feature, then the bias
  };
}
