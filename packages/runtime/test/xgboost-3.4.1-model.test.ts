import t from 'tap';
import { xgboostParity } from './fixtures/xgboost-parity.js';

xgboostParity(t, '3.4.1', 'model.json');
