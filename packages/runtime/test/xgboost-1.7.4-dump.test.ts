import t from 'tap';
import { xgboostParity } from './fixtures/xgboost-parity.js';

// get_dump prints numbers with 9 significant digits, exact for float32 thresholds, leaves and covers. Margins and
// predictions are checked on every row; TreeSHAP, the slow part, on every 5th row (the model.json suite checks all).
xgboostParity(t, '1.7.4', 'dump.json', { overflowTolerance: { dart_reg_squarederror: 5e-7 }, contribRowStep: 5 });
