import type { TreeEnsemble } from '../ensemble.js';

/** Placeholder until this format's loader lands: refuses every model. */
export function parseSklearnJson(source: unknown): TreeEnsemble {
  void source;
  throw new Error('sklearn models are not supported yet');
}
