import type { TreeEnsemble } from '../ensemble.js';

/** Placeholder until this format's loader lands: refuses every model. */
export function parseLightgbmText(text: string): TreeEnsemble {
  void text;
  throw new Error('lightgbm-text models are not supported yet');
}
