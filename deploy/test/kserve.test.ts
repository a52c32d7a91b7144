// The KServe manifests (deploy/kserve) against KServe's published CRD schemas (vendored from kserve/kserve with their
// source commit, deploy/kserve/crds/README.md), and against the server they run: the runtime's environment is one
// the server's configuration accepts, its ports are the ones that environment opens, and its probes answer on the
// real server and models. There is no cluster here: the manifests are validated, not applied.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConfig, loadSchemaPackage, runServer } from '@seattle-energy/server';
import t, { type Test } from 'tap';
import { parse } from 'yaml';

import { structuralErrors, type StructuralSchema } from './fixtures/structural-schema.js';

const kserve = fileURLToPath(new URL('../kserve', import.meta.url));
const read = (file: string) => parse(readFileSync(join(kserve, file), 'utf8')) as Manifest;

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}
interface Crd {
  spec: {
    names: { kind: string };
    group: string;
    versions: { name: string; schema: { openAPIV3Schema: StructuralSchema } }[];
  };
}
interface Container {
  name: string;
  image: string;
  env: { name: string; value: string }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: number } };
  livenessProbe: { httpGet: { path: string; port: number } };
}

const crds = ['serving.kserve.io_servingruntimes.yaml', 'serving.kserve.io_inferenceservices.yaml'].map(
  (file) => parse(readFileSync(join(kserve, 'crds', file), 'utf8')) as Crd,
);
/** The CRD schema of a manifest's kind and apiVersion. */
function schemaOf(manifest: { apiVersion: string; kind: string }): StructuralSchema | undefined {
  const [group, version] = manifest.apiVersion.split('/');
  const crd = crds.find((c) => c.spec.names.kind === manifest.kind && c.spec.group === group);
  return crd?.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
}

/** Validates a manifest against the CRD schema of its kind and apiVersion. */
function validate(t: Test, manifest: Manifest, file: string) {
  const schema = schemaOf(manifest);
  t.ok(schema, `${file}: ${manifest.kind} ${manifest.apiVersion} is a version the CRD serves`);
  if (schema)
    t.same(structuralErrors(schema, manifest), [], `${file} is valid against the ${manifest.kind} CRD schema`);
}

const runtime = read('servingruntime.yaml');
const services = ['inferenceservice.yaml', 'inferenceservice-grpc.yaml'].map((file) => ({
  file,
  manifest: read(file),
}));
const container = (runtime.spec['containers'] as Container[])[0] as Container;
const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

t.test("every manifest is valid against KServe's CRD schema", async (t) => {
  validate(t, runtime, 'servingruntime.yaml');
  for (const { file, manifest } of services) validate(t, manifest, file);
  // The schema is really applied: a container without a name, a port as a string, a misspelt field.
  const broken = structuredClone(runtime) as Manifest & {
    spec: { containers: { name?: string; ports: { containerPort: unknown }[] }[] };
  };
  delete broken.spec.containers[0]?.name;
  const port = broken.spec.containers[0]?.ports[0];
  if (port) port.containerPort = '8080';
  broken.spec['multimodel'] = true;
  t.same(structuralErrors(schemaOf(runtime) ?? {}, broken), [
    '.spec.containers[0].name: required',
    '.spec.containers[0].ports[0].containerPort: must be integer, is string',
    '.spec.multimodel: unknown field',
  ]);
  const service = services[0]?.manifest as Manifest;
  t.same(structuralErrors(schemaOf(service) ?? {}, { ...service, spec: {} }), ['.spec.predictor: required']);
});

t.test('the services select the runtime; the runtime speaks both protocols', async (t) => {
  t.same(runtime.spec['protocolVersions'], ['v2', 'grpc-v2']);
  const formats = runtime.spec['supportedModelFormats'] as { name: string; version: string }[];
  for (const { file, manifest } of services) {
    const model = (manifest.spec['predictor'] as { model: Record<string, unknown> }).model;
    t.equal(model['runtime'], runtime.metadata.name, `${file} names the runtime`);
    t.ok(
      formats.some((f) => JSON.stringify(f) === JSON.stringify({ ...f, ...(model['modelFormat'] as object) })),
      `${file}: its model format is one the runtime supports`,
    );
  }
  const grpc = (services[1]?.manifest.spec['predictor'] as { model: { ports: { containerPort: number }[] } }).model;
  t.equal(grpc.ports[0]?.containerPort, Number(env['GRPC_PORT']), 'the gRPC service routes to GRPC_PORT');
});

t.test('the runtime container runs the server as configured, and its probes answer', async (t) => {
  const config = loadConfig(env);
  t.equal(config.port, 8080);
  t.equal(config.grpcPort, 8081);
  t.equal(container.ports[0]?.containerPort, config.port, 'the declared port is PORT');
  t.equal(container.readinessProbe.httpGet.port, config.port);
  t.equal(container.livenessProbe.httpGet.port, config.port);
  t.same(
    [container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path],
    ['/v2/health/ready', '/v2/health/live'],
  );
  // The same configuration on free local ports, with the repository's models in place of the image's /app/models.
  const schema = loadSchemaPackage();
  const local = loadConfig({
    ...env,
    PORT: '0',
    GRPC_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MODELS_DIR: undefined,
  });
  const proc = await runServer(local, schema, schema.loadModelStore);
  t.teardown(() => proc.stop());
  const base = `http://127.0.0.1:${proc.running.port}`;
  t.equal((await fetch(base + container.livenessProbe.httpGet.path)).status, 200, 'liveness answers at once');
  await proc.loaded;
  t.equal((await fetch(base + container.readinessProbe.httpGet.path)).status, 200, 'readiness once the models are in');
});
