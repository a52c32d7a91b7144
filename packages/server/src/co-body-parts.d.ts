// co-body's JSON and text readers, imported one by one so that its form reader (and `qs`), which no route uses, is
// never loaded; @types/co-body describes only the package's index.
declare module 'co-body/lib/json.js' {
  import type { Options } from 'co-body';
  function json(context: unknown, options?: Options): Promise<unknown>;
  export = json;
}

declare module 'co-body/lib/text.js' {
  import type { Options } from 'co-body';
  function text(context: unknown, options?: Options): Promise<string>;
  export = text;
}
