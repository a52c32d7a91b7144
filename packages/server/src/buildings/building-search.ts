/**
 * Search over building names and addresses, forgiving of case, punctuation, accents, street abbreviations and partial
 * words: every word of the query must be found in the record; whole words rank above word starts, word starts above
 * words found inside others.
 */

// People write "Avenue" or "Ave", "North" or "N": both sides are reduced to the short form before comparing.
const SHORT_FORMS: Readonly<Record<string, string>> = {
  street: 'st',
  avenue: 'ave',
  av: 'ave',
  boulevard: 'blvd',
  drive: 'dr',
  road: 'rd',
  place: 'pl',
  court: 'ct',
  lane: 'ln',
  parkway: 'pkwy',
  terrace: 'ter',
  highway: 'hwy',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  saint: 'st',
  and: '&',
};

/** Lower-case words of letters and digits, accents dropped, street words in their short form. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/'/g, '')
    .split(/[^\p{L}\p{N}&]+/u)
    .filter((word) => word.length > 0)
    .map((word) => SHORT_FORMS[word] ?? word);
}

/** What a record is searched by, prepared once. */
export interface SearchEntry {
  readonly words: readonly string[];
  /** The words run together, so that "mayflowerpark" or "olive-way" still match. */
  readonly squashed: string;
}

export function searchEntry(...texts: string[]): SearchEntry {
  const words = texts.flatMap(searchWords);
  return { words, squashed: words.join('') };
}

/**
 * How well `query` matches `entry`: 0 when a query word is missing; otherwise 3 per whole word, 2 per word start,
 * 1 per word found inside the record's text.
 */
export function matchScore(query: readonly string[], entry: SearchEntry): number {
  let score = 0;
  for (const word of query) {
    if (entry.words.includes(word)) score += 3;
    else if (entry.words.some((w) => w.startsWith(word))) score += 2;
    else if (entry.squashed.includes(word)) score += 1;
    else return 0;
  }
  return score;
}
