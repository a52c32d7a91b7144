import t from 'tap';
import { xgboostParity } from './fixtures/xgboost-parity.js';

// get_dump prints numbers with 9 significant digits, exact for float32 thresholds, leaves and covers. Margins and
// predictions are checked on every row; TreeSHAP, the slow part, on every 5th row (the model.json suite checks all).
xgboostParity(t, '3.4.1', 'dump.json', { contribRowStep: 5 });
