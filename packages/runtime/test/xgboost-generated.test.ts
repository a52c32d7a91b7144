import t from 'tap';
import { xgboostParity } from './fixtures/xgboost-parity.js';

// Objectives the shared fixture sets lack (fixtures/xgboost/generated/generate.py, XGBoost 1.7.4).
xgboostParity(t, 'generated', 'model.json');
xgboostParity(t, 'generated', 'dump.json');
