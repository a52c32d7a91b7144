import type { TreeEnsemble } from '../ensemble.js';

/** Placeholder until this format's loader lands: refuses every model. */
export function parseLightgbmJson(source: unknown): TreeEnsemble {
  void source;
  throw new Error('lightgbm-json models are not supported yet');
}
