/**
 * Characters that can hide or disguise what a string says: C0 controls and DEL, zero-width space and joiners,
 * bidirectional embeddings, overrides and isolates, and the byte-order mark. A category name never needs them.
 */
export function isHiddenCharacter(code: number): boolean {
  return (
    code <= 0x1f ||
    code === 0x7f ||
    (code >= 0x200b && code <= 0x200d) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/** The first hidden character of a string (1-based position and its U+XXXX name), if any. */
export function findHiddenCharacter(value: string): { position: number; codePoint: string } | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isHiddenCharacter(code)) return { position: i + 1, codePoint: codePointName(code) };
  }
  return undefined;
}

/**
 * A string as it may be quoted in a message: hidden characters written as \uXXXX escapes, so that an answer or a
 * log line shows exactly what was sent and cannot be reordered or cut by what it quotes.
 *
 * @example
 * showText('Hotel\u0000') // 'Hotel\\u0000'
 */
export function showText(value: string): string {
  let shown = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    shown += isHiddenCharacter(code) ? `\\u${code.toString(16).padStart(4, '0')}` : value[i];
  }
  return shown;
}

function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
