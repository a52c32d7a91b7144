// Property-based fuzzing of every operation of the OpenAPI document the server publishes (GET /openapi.json), against
// the real server (runServer: real schema package, the repository's verified models, the real HTTP timeouts), in this
// process so that Object.prototype can be checked after hostile keys. Every answer must be a status the document
// lists for that operation (405 for a method it does not list), problem+json for errors, valid against its schema,
// never 500, never a hang, and no body may leak internals. RELIABILITY_PROFILE=long runs thousands of cases.
import { Agent, request } from 'node:http';

import fc from 'fast-check';
import t from 'tap';

import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { runServer } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { buildingText, hostileString, scalarText, SPECIAL_NUMBERS, valueText } from './fixtures/reliability-bodies.js';
import type { KserveMetadata, ProblemBody } from './fixtures/api-bodies.js';
import { send, type Reply } from './fixtures/http-harness.js';
import { readOpenApi, type OpenApiDoc, type Operation, type Parameter } from './fixtures/openapi-doc.js';
import { leakIn, prototypeSnapshot, scale } from './fixtures/reliability-kit.js';

/** Cases per GET operation; operations with a request body get three times as many. */
const RUNS_PER_OPERATION = Number(process.env['RELIABILITY_FUZZ_RUNS'] ?? scale(16, 300));
const runsFor = (op: Operation) => (op.requestBody ? 3 : 1) * RUNS_PER_OPERATION;
/** Far above any honest answer on a saturated machine; a request this slow counts as a hang. */
const HANG_MS = 20_000;

const prototypeBefore = prototypeSnapshot();
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);

const schema = loadSchemaPackage();
const config = loadConfig({ LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: '0' });
const logged: string[] = [];
const proc = await runServer(config, schema, schema.loadModelStore, {
  logger: createLogger('error', { write: (line: string) => void logged.push(line) }),
});
// No tap call before the last top-level await: the root test would otherwise end while the setup still runs.
const loaded = await proc.loaded;
const port = proc.running.port;

const doc = (await send<OpenApiDoc>(port, 'GET', '/openapi.json')).json;
const { ajv, resolve: deref, validatorFor } = readOpenApi(doc, { allErrors: false });

// Inputs drawn from the document: the building's fields with their examples, the model names, the batch limit.
const building = doc.components.schemas['Building'] as {
  properties: Record<string, { examples?: unknown[] }>;
  required?: string[];
};
const fieldExamples = Object.fromEntries(
  Object.entries(building.properties).map(([name, p]) => [name, (p.examples ?? [null]).map((e) => JSON.stringify(e))]),
);
const example = doc.components.examples['Building']?.value as Record<string, unknown>;
const bodies = buildingText(fieldExamples, example, building.required ?? []);
const modelNames = (deref<Parameter>({ $ref: '#/components/parameters/ModelName' }).schema?.examples as string[]) ?? [
  'site-energy',
];
const featureCounts = new Map<string, number>();
for (const name of modelNames)
  featureCounts.set(
    name,
    (await send<KserveMetadata>(port, 'GET', `/v2/models/${name}`)).json.inputs[0]?.shape[1] ?? 0,
  );

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/csv',
  '',
  'a/b/c',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'application/json;;;',
  'APPLICATION/JSON',
];

function bodyArbitrary(path: string): fc.Arbitrary<string> {
  if (path === '/v1/predict/batch') {
    const row = fc.oneof(bodies.valid, bodies.hostile);
    return fc.oneof(
      fc.array(row, { maxLength: 6 }).map((rows) => `{"buildings":[${rows.join(',')}]}`),
      fc
        .tuple(fc.array(row, { maxLength: 3 }), fc.constantFrom('__proto__', 'constructor', 'extra', 'buildings'))
        .map(([rows, key]) => `{"buildings":[${rows.join(',')}],${JSON.stringify(key)}:{"polluted":true}}`),
      fc.integer({ min: 1001, max: 3000 }).map((n) => `{"buildings":[${Array(n).fill('{}').join(',')}]}`),
      fc.oneof(bodies.valid, bodies.hostile, scalarText).map((x) => `{"buildings":${x}}`),
      bodies.hostile,
    );
  }
  if (path.endsWith('/infer')) {
    const width = fc.constantFrom(...featureCounts.values(), 0, 1, 1_000_000, -1);
    const datum = fc.oneof(
      fc.double().map((x) => (Number.isFinite(x) ? JSON.stringify(x) : String(x))),
      fc.constantFrom(...SPECIAL_NUMBERS),
    );
    const tensor = fc.record({
      name: fc.oneof(fc.constant('"features"'), stringLiteralOf(hostileString)),
      datatype: fc.constantFrom('"FP32"', '"FP64"', '"INT64"', '"BYTES"', '"fp32"', '1', 'null'),
      shape: fc.oneof(
        fc.tuple(fc.integer({ min: -2, max: 3 }), width).map((s) => JSON.stringify(s)),
        fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 }).map((s) => JSON.stringify(s)),
        scalarText,
      ),
      data: fc.oneof(
        fc.array(datum, { maxLength: 200 }).map((d) => `[${d.join(',')}]`),
        valueText(fc.constantFrom('__proto__', 'data', 'x')),
      ),
    });
    return fc.oneof(
      tensor.map((x) => `{"inputs":[{"name":${x.name},"datatype":${x.datatype},"shape":${x.shape},"data":${x.data}}]}`),
      fc
        .tuple(width, fc.constantFrom('"FP32"', '"FP64"'))
        .chain(([w, type]) =>
          fc
            .array(datum, { minLength: Math.max(0, Math.min(w, 100)), maxLength: Math.max(0, Math.min(w, 100)) })
            .map(
              (d) =>
                `{"id":"x","inputs":[{"name":"features","datatype":${type},"shape":[1,${w}],"data":[${d.join(',')}]}]}`,
            ),
        ),
      bodies.hostile,
    );
  }
  return fc.oneof({ weight: 2, arbitrary: bodies.valid }, { weight: 5, arbitrary: bodies.hostile });
}

const stringLiteralOf = (s: fc.Arbitrary<string>) => s.map((x) => JSON.stringify(x));

/** A path segment: documented values, unknown names, odd and malformed percent-encodings. */
const segment = (documented: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...documented) },
    {
      weight: 2,
      arbitrary: hostileString
        .filter((s) => s.length < 300)
        .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%E0%A4%A',
        '%00',
        '..',
        '%2e%2e',
        '%2F',
        'a%20b',
        '~',
        '-',
        '%F0%9F%98%80',
        'x'.repeat(3000),
      ),
    },
  );

const queryValue = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    '1',
    '0',
    '',
    'TRUE',
    'yes',
    '1.0.0',
    'site-energy',
    'ghg-emissions',
    '%',
    '%00',
    '%E0%A4%A',
  ),
  hostileString.filter((s) => s.length < 200).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
);

interface Case {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string | undefined;
}

function caseArbitrary(template: string, method: string, op: Operation): fc.Arbitrary<Case> {
  const params = (op.parameters ?? []).map((p) => deref(p));
  const pathParams = params.filter((p) => p.in === 'path');
  const queryNames = params.filter((p) => p.in === 'query').map((p) => p.name);
  const documentedFor = (p: Parameter): string[] =>
    [...(p.schema?.examples ?? []), ...(p.schema?.enum ?? [])].map(String);
  const path = fc
    .tuple(...pathParams.map((p) => segment(documentedFor(p).length > 0 ? documentedFor(p) : ['x'])))
    .map((values) => {
      let filled = template;
      pathParams.forEach((p, i) => (filled = filled.replace(`{${p.name}}`, values[i] ?? '')));
      return filled;
    });
  const query = fc
    .array(fc.tuple(fc.constantFrom(...queryNames, 'unknown', 'explain', '__proto__'), queryValue), { maxLength: 3 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
  const jsonTypes = op.requestBody ? Object.keys(op.requestBody.content) : [];
  const wrongMethod = fc.constantFrom('PUT', 'DELETE', 'PATCH', method === 'get' ? 'POST' : 'GET');
  const requestMethod = fc.oneof(
    { weight: 9, arbitrary: fc.constant(method.toUpperCase()) },
    { weight: 1, arbitrary: wrongMethod },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...(jsonTypes.length > 0 ? jsonTypes : ['application/json'])) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  const body = op.requestBody ? bodyArbitrary(template) : fc.option(bodies.hostile, { freq: 5, nil: undefined });
  return fc
    .record({ method: requestMethod, path: fc.tuple(path, query).map(([p, q]) => p + q), contentType, body })
    .map((c) => ({
      ...c,
      // A CSV body for the batch route: a header of field names and rows of raw cells.
      body:
        c.contentType === 'text/csv' && c.body !== undefined && template === '/v1/predict/batch'
          ? csvFrom(c.body)
          : c.body,
      contentType: c.body === undefined ? undefined : c.contentType === '' ? undefined : c.contentType,
    }));
}

function csvFrom(text: string): string {
  const names = Object.keys(fieldExamples);
  const cells = text.slice(0, 400).split(/[,:]/);
  return `${names.join(',')}\n${cells.join(',')}\n${names.map((n) => (fieldExamples[n]?.[0] ?? '').replace(/^"|"$/g, '')).join(',')}\n`;
}

/**
 * The fuzz client keeps its connection alive, as browsers and HTTP libraries do. (With `connection: close`, Node's
 * server resets a connection whose body a route did not read, and the client can lose the answer; see SECURITY.md,
 * known limits.)
 */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
/** Requests resent because the server had closed the idle keep-alive socket as they were sent (printed at the end). */
let keepAliveRetries = 0;
function sendKeepAlive(
  method: string,
  path: string,
  options: { body?: string; headers: Record<string, string> },
  retry = true,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The keep-alive race every HTTP client handles: the server closed an idle socket just as it was reused, before
      // reading anything; Node's documentation says to retry exactly this case once.
      if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
        keepAliveRetries++;
        sendKeepAlive(method, path, options, false).then(resolve, reject);
      } else reject(error);
    });
    req.end(options.body);
  });
}

function withTimeout(reply: Promise<Reply>, what: string): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms: ${what}`)), HANG_MS)),
  );
  return Promise.race([reply, hang]).finally(() => clearTimeout(timer));
}

t.teardown(() => proc.stop());
t.teardown(() => agent.destroy());
t.ok(loaded, 'the repository models load and verify');

const statusCounts = new Map<number, number>();
let cases = 0;
let scanned = 0;

/**
 * The answer with the request's own path taken out: a problem's `instance` echoes it, and a fuzzed segment such as
 * `app` would otherwise read as the file path `/app/`. What the client sent is not a leak.
 */
function withoutOwnPath(text: string, path: string): string {
  const pathname = path.split('?')[0] ?? path;
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed percent-encoding is echoed as sent.
  }
  let result = text;
  for (const form of new Set([pathname, decoded])) {
    result = result.replaceAll(form, '').replaceAll(JSON.stringify(form).slice(1, -1), '');
  }
  return result;
}

/** Checks one answer against the document; returns what is wrong, or undefined. */
function judge(c: Case, op: Operation, documentedMethod: boolean, reply: Reply): string | undefined {
  const allowed = documentedMethod ? Object.keys(op.responses).map(Number) : [405];
  if (reply.status === 500) return 'answered 500';
  if (!allowed.includes(reply.status)) return `status ${reply.status} is not documented (${allowed.join(', ')})`;
  if (reply.headers['x-powered-by'] !== undefined) return 'x-powered-by header';
  if (reply.headers['x-content-type-options'] !== 'nosniff') return 'no x-content-type-options: nosniff';
  const type = String(reply.headers['content-type'] ?? '');
  if (!/^(?:text\/javascript|text\/css|image\/)/.test(type)) {
    scanned++;
    const leak = leakIn(withoutOwnPath(reply.text, c.path));
    if (leak !== undefined) return `the body leaks a ${leak}`;
  }
  if (reply.status >= 400) {
    if (!type.startsWith('application/problem+json')) return `error with content-type ${type}`;
    if (!validatorFor({ $ref: '#/components/schemas/Problem' })(reply.json))
      return 'problem body does not match the Problem schema';
    // The body matched the Problem schema just above.
    if ((reply.json as ProblemBody).status !== reply.status) return 'problem status differs from the HTTP status';
    return undefined;
  }
  const response = op.responses[String(reply.status)];
  const media = response && deref(response).content?.['application/json'];
  if (media?.schema && type.startsWith('application/json')) {
    const validate = validatorFor(media.schema);
    if (!validate(reply.json)) return `200 body does not match its schema: ${ajv.errorsText(validate.errors)}`;
  }
  void c;
  return undefined;
}

for (const [template, methods] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    t.test(`fuzz ${method.toUpperCase()} ${template}: documented status, problem+json errors, no leaks`, async (t) => {
      const before = cases;
      const details = await fc.check(
        fc.asyncProperty(caseArbitrary(template, method, op), async (c) => {
          cases++;
          const headers: Record<string, string> = c.contentType === undefined ? {} : { 'content-type': c.contentType };
          // An explicit length: Node's client sends a GET body with neither length nor chunking, which is not HTTP.
          if (c.body !== undefined) headers['content-length'] = String(Buffer.byteLength(c.body));
          const reply = await withTimeout(
            sendKeepAlive(c.method, c.path, c.body === undefined ? { headers } : { body: c.body, headers }),
            `${c.method} ${c.path}`,
          );
          statusCounts.set(reply.status, (statusCounts.get(reply.status) ?? 0) + 1);
          const wrong = judge(c, op, c.method === method.toUpperCase(), reply);
          if (wrong !== undefined) throw new Error(`${wrong}; answer ${reply.text.slice(0, 300)}`);
        }),
        { numRuns: runsFor(op), endOnFailure: true },
      );
      if (details.failed) {
        const c = details.counterexample?.[0];
        const shown =
          c === undefined
            ? 'none'
            : `${c.method} ${c.path.slice(0, 200)} [${c.contentType}] body (${c.body?.length ?? 0} chars) ${String(c.body).slice(0, 400)}`;
        t.fail(
          `${(details.errorInstance as Error | undefined)?.message ?? 'failed'} -- counterexample: ${shown} (seed ${details.seed}${'path' in details ? `, path ${String(details.path)}` : ''})`,
        );
      }
      t.equal(cases - before, runsFor(op), `${runsFor(op)} cases ran`);
    });
  }
}

t.test(
  'after the fuzz run: the process is up, nothing was thrown outside a request, prototypes are untouched',
  async (t) => {
    t.equal((await send(port, 'GET', '/livez')).status, 200, 'still answers');
    t.equal((await send(port, 'GET', '/readyz')).status, 200, 'still ready');
    t.same(uncaught, [], 'no uncaught exception or unhandled rejection');
    t.equal(prototypeSnapshot(), prototypeBefore, 'Object.prototype, Array.prototype and Function.prototype unchanged');
    t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no polluted property on plain objects');
    t.same(
      logged.filter((line) => /unexpected error/.test(line)),
      [],
      'no unexpected error was logged',
    );
    const operations = Object.values(doc.paths).flatMap((m) => Object.values(m));
    const byStatus = [...statusCounts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    t.comment(
      `fuzz: ${cases} cases over ${operations.length} operations (${RUNS_PER_OPERATION} per GET, ${3 * RUNS_PER_OPERATION} per POST); ${scanned} bodies scanned for leaks; statuses ${byStatus}; keep-alive races retried ${keepAliveRetries}`,
    );
    console.log(`# fuzz cases: ${cases} (statuses ${byStatus})`);
    t.equal(
      cases,
      operations.reduce((n, op) => n + runsFor(op), 0),
      'every planned case ran',
    );
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  },
);
