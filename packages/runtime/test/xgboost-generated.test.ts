import t from 'tap';
import { xgboostParity } from './fixtures/xgboost-parity.js';

// Objectives the shared fixture sets lack (fixtures/xgboost/generated/generate.py, XGBoost 1.7.4).
xgboostParity(t, 'generated', 'model.json');
xgboostParity(t, 'generated', 'dump.json');
// The same models saved as UBJSON (save_model('model.ubj')), decoded and read by the same loader.
xgboostParity(t, 'generated', 'model.ubj');
