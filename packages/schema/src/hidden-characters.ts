// Control characters (C0, DEL, C1), Unicode format characters (zero-width space and joiners, bidirectional
// embeddings, overrides, isolates and marks, the byte-order mark, soft hyphen, word joiner, invisible operators, tag
// characters) and the line and paragraph separators. A category name never needs one, and each can hide or disguise
// what a string says.
const hiddenPattern = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** True for a code point that can hide or disguise text (a control or an invisible formatting character). */
export function isHiddenCharacter(codePoint: number): boolean {
  return hiddenPattern.test(String.fromCodePoint(codePoint));
}

/** The first hidden character of a string (1-based position in code points and its U+XXXX name), if any. */
export function findHiddenCharacter(value: string): { position: number; codePoint: string } | undefined {
  if (!hiddenPattern.test(value)) return undefined;
  let position = 0;
  for (const char of value) {
    position++;
    const code = char.codePointAt(0) ?? 0;
    if (isHiddenCharacter(code)) return { position, codePoint: codePointName(code) };
  }
  return undefined;
}

/**
 * A string as it may be quoted in a message: hidden characters written as \uXXXX (\u{XXXXX}) escapes, so that an
 * answer or a log line shows exactly what was sent and cannot be reordered or cut by what it quotes.
 *
 * @example
 * showText('Hotel\u0000') // 'Hotel\\u0000'
 */
export function showText(value: string): string {
  if (!hiddenPattern.test(value)) return value;
  let shown = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (!isHiddenCharacter(code)) shown += char;
    else shown += code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return shown;
}

function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
