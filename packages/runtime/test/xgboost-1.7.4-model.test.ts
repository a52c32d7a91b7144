import t from 'tap';
import { xgboostParity } from './fixtures/xgboost-parity.js';

// fixtures/xgboost/1.7.4/README.md: for dart, inplace_predict (the source of expected_overflow.json) sums in another
// order than DMatrix prediction, by up to 4.8e-7; every other overflow expectation is bit for bit.
xgboostParity(t, '1.7.4', 'model.json', { overflowTolerance: { dart_reg_squarederror: 5e-7 } });
