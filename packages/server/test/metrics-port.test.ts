// METRICS_PORT: the Prometheus text on a second port (one a public ingress does not expose) and nowhere else, from
// the real server (runServer, real schema and models).
import t from 'tap';

import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { runServer } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { send } from './fixtures/http-harness.js';
import { hotelBody } from './fixtures/reliability-kit.js';

const schema = loadSchemaPackage();

t.test('with METRICS_PORT, /metrics answers on that port only', async (t) => {
  // Port 0 is refused for METRICS_PORT (it must be a port an ingress can name); take the API's port plus one.
  const probe = await runServer(
    loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0' }),
    schema,
    schema.loadModelStore,
    { logger: createLogger('silent') },
  );
  const free = probe.running.port;
  await probe.stop();
  const config = loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', METRICS_PORT: String(free) });
  const proc = await runServer(config, schema, schema.loadModelStore, { logger: createLogger('silent') });
  t.teardown(() => proc.stop());
  t.ok(await proc.loaded, 'the models verify');
  t.equal(proc.metricsServer?.port, free, 'the metrics server listens on METRICS_PORT');

  const predicted = await send(proc.running.port, 'POST', '/v1/predict', {
    body: hotelBody,
    headers: { 'content-type': 'application/json' },
  });
  t.equal(predicted.status, 200, 'the API answers on PORT');
  const onApi = await send(proc.running.port, 'GET', '/metrics');
  t.equal(onApi.status, 404, 'GET /metrics on the API port is 404');
  t.match(onApi.headers['content-type'], /application\/problem\+json/, 'as a problem');

  const scraped = await send(free, 'GET', '/metrics');
  t.equal(scraped.status, 200, 'GET /metrics on METRICS_PORT answers');
  t.match(scraped.headers['content-type'], /^text\/plain; version=0\.0\.4/, 'in the Prometheus text format');
  t.match(
    scraped.text,
    /http_requests_total\{method="POST",route="\/v1\/predict",status="200"\} 1\n/,
    'counting the API request',
  );
  t.equal((await send(free, 'GET', '/v1/models')).status, 404, 'and nothing else is served there');
});

t.test('METRICS_PORT must be a usable port other than PORT', async (t) => {
  t.throws(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' }), ConfigError);
  t.throws(() => loadConfig({ METRICS_PORT: '0' }), ConfigError);
  t.throws(() => loadConfig({ METRICS_PORT: 'metrics' }), ConfigError);
  t.equal(loadConfig({ METRICS_PORT: '9464' }).metricsPort, 9464);
  t.equal(loadConfig({}).metricsPort, undefined, 'unset: /metrics stays on the API port');
});
