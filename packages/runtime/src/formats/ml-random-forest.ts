import type { TreeEnsemble } from '../ensemble.js';

/** Placeholder until this format's loader lands: refuses every model. */
export function parseMlRandomForest(source: unknown): TreeEnsemble {
  void source;
  throw new Error('ml-random-forest models are not supported yet');
}
