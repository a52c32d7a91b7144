/**
 * JSON parsing for model files. XGBoost 1.7 writes the `split_conditions` of categorical nodes as bare `NaN` tokens,
 * which `JSON.parse` rejects; the tolerant path turns exactly those tokens (outside strings) into `null`.
 */
import { modelError } from './errors.js';

/**
 * Parses model JSON, accepting bare `NaN` tokens as `null`. Invalid JSON throws `TreeModelError` `MODEL_TRUNCATED`.
 *
 * @example
 * ```ts
 * parseModelJson('{"split_conditions":[NaN,0.5]}'); // { split_conditions: [null, 0.5] }
 * ```
 */
export function parseModelJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.includes('NaN')) {
      try {
        return JSON.parse(replaceNanTokens(text));
      } catch {
        // fall through to the original error, which points at the real problem
      }
    }
    throw modelError('MODEL_TRUNCATED', `the model is not valid JSON (${(error as Error).message})`, error);
  }
}

/** Replaces every `NaN` token that is not inside a string literal by `null`. */
function replaceNanTokens(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x4e && text.startsWith('NaN', i)) {
      out += text.slice(last, i) + 'null';
      i += 2;
      last = i + 1;
    }
  }
  return out + text.slice(last);
}
