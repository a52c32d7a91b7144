// The Azure deployment (deploy/azure): the dry run of each command prints exactly the commands a real run would
// execute and runs none of them, and the Bicep template agrees with the server and the image it deploys: the port,
// the probe paths, and environment variables that the server's own configuration reads and accepts.
// No Bicep compiler or Azure CLI is needed: the template is read as text.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { exampleBuilding } from '@seattle-energy/schema';
import { loadConfig, loadSchemaPackage, runServer } from '@seattle-energy/server';
import t, { type Test } from 'tap';

const root = fileURLToPath(new URL('../..', import.meta.url));
const template = readFileSync(join(root, 'deploy/azure/main.bicep'), 'utf8');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** The template's parameters and their default values (numbers, booleans and plain strings). */
function bicepParams(): Map<string, string | number | boolean> {
  const params = new Map<string, string | number | boolean>();
  for (const [, name, type, value] of template.matchAll(/^param (\w+) (\w+) = (.+)$/gm)) {
    if (name === undefined || value === undefined) continue;
    if (type === 'int') params.set(name, Number(value));
    else if (type === 'bool') params.set(name, value === 'true');
    else if (/^'[^'$]*'$/.test(value)) params.set(name, value.slice(1, -1));
  }
  return params;
}

/** A loopback port free right now (the metrics port of the template is fixed; other suites may hold it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The allowed values of a parameter (`@allowed([...])` right above it). */
function bicepAllowed(name: string): string[] {
  const block = new RegExp(`@allowed\\(\\[([^\\]]*)\\]\\)\\nparam ${name} `).exec(template)?.[1] ?? '';
  return [...block.matchAll(/'([^']*)'/g)].map(([, value]) => value ?? '');
}

/** The container's environment as deployed with the default parameters: `{ name: 'X', value: <expression> }`. */
function bicepEnv(): Record<string, string> {
  const params = bicepParams();
  const env: Record<string, string> = {};
  for (const [, name, expression] of template.matchAll(/\{ name: '([A-Z0-9_]+)', value: (.+?) \}/g)) {
    if (name === undefined || expression === undefined) continue;
    const literal = /^'([^']*)'$/.exec(expression);
    const parameter = /^(?:string\()?(\w+)\)?$/.exec(expression)?.[1];
    const value = literal ? literal[1] : parameter !== undefined ? params.get(parameter) : undefined;
    if (value === undefined) throw new Error(`cannot evaluate ${name}: ${expression}`);
    env[name] = String(value);
  }
  return env;
}

t.test('the template deploys the port the server and the image use', async (t) => {
  const port = bicepParams().get('containerPort');
  const serverDefault = loadConfig({}).port;
  t.equal(port, serverDefault, 'containerPort is the server default PORT');
  t.equal(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1], String(serverDefault), 'the image exposes it');
  t.match(template, /targetPort: containerPort\n/, 'ingress targets it');
  t.equal(bicepEnv()['PORT'], String(port), 'and the container is told to listen on it');
});

t.test("probes ask the server's own liveness and readiness routes on the container port", async (t) => {
  const probes = [...template.matchAll(/type: '(\w+)'\s+httpGet: \{ path: '([^']+)', port: (\w+) \}/g)].map(
    ([, type, path, port]) => ({ type, path, port }),
  );
  t.same(probes, [
    { type: 'Startup', path: '/livez', port: 'containerPort' },
    { type: 'Liveness', path: '/livez', port: 'containerPort' },
    { type: 'Readiness', path: '/readyz', port: 'containerPort' },
  ]);
  // The real server on the repository's models, configured by the template's environment (on free loopback ports).
  const metricsPort = await freePort();
  const config = loadConfig({
    ...bicepEnv(),
    METRICS_PORT: String(metricsPort),
    MODELS_DIR: join(root, 'models'),
    LOG_LEVEL: 'silent',
  });
  const schema = loadSchemaPackage();
  const server = await runServer({ ...config, host: '127.0.0.1', port: 0 }, schema, schema.loadModelStore);
  t.teardown(() => server.stop());
  t.ok(await server.loaded, 'the models load and verify');
  for (const probe of probes) {
    const reply = await fetch(`http://127.0.0.1:${server.running.port}${probe.path ?? ''}`);
    t.equal(reply.status, 200, `${probe.type} probe ${probe.path} answers 200 on a ready server`);
  }
  t.equal(
    (await fetch(`http://127.0.0.1:${server.running.port}/metrics`)).status,
    404,
    'no /metrics on the ingress port',
  );
  const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  t.equal(scraped.status, 200, '/metrics answers on METRICS_PORT');
  t.match(await scraped.text(), /^# HELP /m, 'with the Prometheus text');
});

t.test('metrics go to a port the environment reaches and the internet does not', async (t) => {
  const env = bicepEnv();
  const metricsPort = bicepParams().get('metricsPort');
  t.equal(env['METRICS_PORT'], String(metricsPort), 'the server is told to serve /metrics on metricsPort');
  t.not(metricsPort, bicepParams().get('containerPort'), 'a port other than the ingress target');
  t.match(
    template,
    /additionalPortMappings: \[\s+\{\s+external: false\s+targetPort: metricsPort\s+\}\s+\]/,
    'mapped inside the environment only (external: false)',
  );
  t.equal(loadConfig(env).metricsPort, metricsPort, 'a value the server accepts');
});

t.test('a workload-profiles environment, the app on its Consumption profile, current property names', async (t) => {
  t.match(template, /workloadProfiles: \[\s+\{\s+name: 'Consumption'\s+workloadProfileType: 'Consumption'\s+\}\s+\]/);
  t.match(template, /environmentId: environment\.id\n\s+workloadProfileName: 'Consumption'\n/);
  t.notMatch(template, /managedEnvironmentId/, 'not the property deprecated since API version 2024-03-01');
});

t.test('parameters only take values Azure and the server accept', async (t) => {
  const levels = bicepAllowed('logLevel');
  t.same(levels, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'log levels');
  for (const level of levels) t.equal(loadConfig({ LOG_LEVEL: level }).logLevel, level, `the server takes ${level}`);
  const cpus = bicepAllowed('cpu');
  t.ok(cpus.includes(String(bicepParams().get('cpu'))), 'the default vCPU is allowed');
  const memory = new Map(
    [...template.matchAll(/^ {2}'([\d.]+)': '([\d.]+)Gi'$/gm)].map(([, c, m]) => [c ?? '', Number(m)] as const),
  );
  t.same([...memory.keys()], cpus, 'every allowed vCPU size has its memory');
  for (const cpu of cpus) t.equal(memory.get(cpu), Number(cpu) * 2, `${cpu} vCPU with ${Number(cpu) * 2} GiB`);
  t.match(template, /memory: memoryForCpu\[cpu\]/, 'memory follows the vCPU');
});

t.test('every environment variable the template sets is one the server reads, with a value it accepts', async (t) => {
  const source = readFileSync(join(root, 'packages/server/src/config.ts'), 'utf8');
  const read = new Set([...source.matchAll(/env\['([A-Z0-9_]+)'\]/g)].map(([, name]) => name));
  const env = bicepEnv();
  t.same(
    Object.keys(env).filter((name) => !read.has(name)),
    [],
    'no variable the server ignores',
  );
  for (const name of ['PORT', 'HOST', 'MODELS_DIR', 'WORKERS']) t.ok(name in env, `${name} is set`);
  const config = loadConfig(env);
  t.equal(config.host, '0.0.0.0', 'listens beyond loopback, as ingress needs');
  t.equal(config.modelsDir, /^ENV [\s\S]*?MODELS_DIR=(\S+)/m.exec(dockerfile)?.[1], 'the models the image holds');
  t.equal(config.workers, 1, 'one worker for the default half vCPU');
});

t.test('the app scales on HTTP concurrency, to zero when idle', async (t) => {
  const params = bicepParams();
  t.equal(params.get('minReplicas'), 0);
  t.ok(Number(params.get('maxReplicas')) >= 1);
  t.match(template, /http: \{\s+metadata: \{\s+concurrentRequests: string\(concurrentRequests\)/);
  t.match(template, /minReplicas: minReplicas\s+maxReplicas: maxReplicas/);
  t.match(template, /external: true/);
});

/** Runs deploy.sh with stand-ins for az and curl that record any call, so a dry run that runs something fails. */
function dryRun(t: Test, args: string[], env: Record<string, string> = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'deploy-dry-run-'));
  t.teardown(() => rmSync(bin, { recursive: true, force: true }));
  const called = join(bin, 'called');
  for (const tool of ['az', 'curl', 'docker']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> '${called}'\nexit 1\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const result = spawnSync('bash', [join(root, 'deploy/azure/deploy.sh'), ...args], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      AZURE_RESOURCE_GROUP: 'energy-demo',
      AZURE_LOCATION: 'francecentral',
      IMAGE_TAG: '1a2b3c',
      ...env,
    },
  });
  return { ...result, ran: existsSync(called) ? readFileSync(called, 'utf8') : '' };
}

t.test(
  'deploy --dry-run prints the provider, group, registry, image build and app commands and runs none',
  async (t) => {
    const result = dryRun(t, ['--dry-run', 'deploy']);
    t.equal(result.status, 0);
    t.equal(result.ran, '', 'neither az nor curl was called');
    const deployment = (name: string, parameters: string) =>
      `+ az deployment group create --resource-group energy-demo --name ${name} --template-file deploy/azure/main.bicep ` +
      `--parameters ${parameters} --query properties.outputs.`;
    t.same(result.stderr.trimEnd().split('\n'), [
      '+ az account show --output none',
      '+ az provider register --namespace Microsoft.App --wait',
      '+ az provider register --namespace Microsoft.OperationalInsights --wait',
      '+ az provider register --namespace Microsoft.ContainerRegistry --wait',
      '+ az group create --name energy-demo --location francecentral --output none',
      `${deployment('seattle-energy-infra', 'appName=seattle-energy deployApp=false')}registryName.value --output tsv`,
      "+ az acr build --registry '<registry-name>' --image seattle-energy:1a2b3c --file Dockerfile .",
      `${deployment('seattle-energy-app', "appName=seattle-energy deployApp=true image=seattle-energy:1a2b3c 'registryName=<registry-name>' cpu=0.5 minReplicas=0 logLevel=info")}url.value --output tsv`,
    ]);
    t.same(result.stdout.trimEnd().split('\n'), ['API:  <url>', 'Docs: <url>/docs']);
  },
);

t.test(
  'every printed line of a dry run pastes as the same words (placeholders quoted, not redirections)',
  async (t) => {
    const result = dryRun(t, ['--dry-run', 'deploy'], { REGISTRY_NAME: 'energy registry' });
    t.equal(result.status, 0);
    const lines = result.stderr.trimEnd().split('\n');
    t.ok(
      lines.some((line) => line.includes("'registryName=energy registry'")),
      'a value with a space is quoted',
    );
    for (const line of lines) {
      // The line pasted into a shell, with printf as the command: a redirection would fail or eat its word.
      const words = spawnSync('bash', ['-c', `printf '%s\\0' ${line.slice(2)}`], { encoding: 'utf8' });
      t.equal(words.status, 0, line);
      for (const [placeholder] of line.matchAll(/<[a-z-]+>/g)) {
        t.ok(
          words.stdout.split('\0').some((word) => word.includes(placeholder)),
          `${placeholder} stays a word of: ${line}`,
        );
      }
    }
  },
);

t.test('IMAGE_BUILD=local builds the image here and pushes it when the registry may not build', async (t) => {
  const result = dryRun(t, ['--dry-run', 'deploy'], { IMAGE_BUILD: 'local' });
  t.equal(result.status, 0);
  t.equal(result.ran, '', 'neither az, docker nor curl was called');
  const lines = result.stderr.trimEnd().split('\n');
  t.same(lines.slice(6, 10), [
    "+ az acr show --name '<registry-name>' --query loginServer --output tsv",
    "+ docker build --tag '<registry-server>/seattle-energy:1a2b3c' --file Dockerfile .",
    "+ az acr login --name '<registry-name>'",
    "+ docker push '<registry-server>/seattle-energy:1a2b3c'",
  ]);
  t.notOk(
    lines.some((line) => line.includes('az acr build')),
    'no az acr build',
  );
});

t.test('settings Azure would refuse stop the script before anything runs', async (t) => {
  for (const [env, message] of [
    [{ APP_NAME: 'Seattle-Energy' }, /APP_NAME must be/],
    [{ APP_NAME: 'energy-' }, /APP_NAME must be/],
    [{ CPU: '0.6' }, /CPU must be one of/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    [{ MIN_REPLICAS: 'none' }, /MIN_REPLICAS must be/],
    [{ IMAGE_BUILD: 'podman' }, /IMAGE_BUILD must be/],
  ] as const) {
    const result = dryRun(t, ['--dry-run', 'deploy'], env);
    t.equal(result.status, 2, JSON.stringify(env));
    t.match(result.stderr, message);
    t.notMatch(result.stderr, /^\+ /m, 'nothing printed as run');
  }
  const settings = dryRun(t, ['--dry-run', 'deploy'], { CPU: '1', MIN_REPLICAS: '1', LOG_LEVEL: 'warn' });
  t.match(settings.stderr, / cpu=1 minReplicas=1 logLevel=warn /, 'accepted settings reach the template');
});

t.test('restart --dry-run restarts the active revision', async (t) => {
  const result = dryRun(t, ['restart', '--dry-run']);
  t.equal(result.status, 0);
  t.equal(result.ran, '');
  t.same(result.stderr.trimEnd().split('\n'), [
    '+ az containerapp show --name seattle-energy --resource-group energy-demo --query properties.latestRevisionName --output tsv',
    "+ az containerapp revision restart --name seattle-energy --resource-group energy-demo --revision '<revision>'",
  ]);
});

t.test('no array expansion that bash 3.2 aborts on under set -u when the array is empty', async (t) => {
  const script = readFileSync(join(root, 'deploy/azure/deploy.sh'), 'utf8');
  const arrays = [...script.matchAll(/^\s*(\w+)=\(\)$/gm)].map(([, name]) => name ?? '');
  t.ok(arrays.includes('registry_parameter'), 'the arrays that may stay empty are found');
  for (const name of arrays) {
    const bare = script
      .split('\n')
      .filter((line) => line.includes(`"\${${name}[@]}"`) && !line.includes(`\${${name}[@]+`));
    t.same(bare, [], `${name} is expanded only as \${${name}[@]+"\${${name}[@]}"}`);
  }
});

t.test('query --dry-run reads the URL from the deployment and posts the example building', async (t) => {
  const result = dryRun(t, ['query', '--dry-run']);
  t.equal(result.status, 0);
  t.equal(result.ran, '');
  t.same(result.stderr.trimEnd().split('\n'), [
    '+ az deployment group show --resource-group energy-demo --name seattle-energy-app --query properties.outputs.url.value --output tsv',
    "+ curl --fail-with-body --silent --show-error --retry 5 --retry-delay 3 --retry-all-errors --request POST '<url>/v1/predict' --header 'content-type: application/json' --data @deploy/azure/example-building.json",
  ]);
  const example: unknown = JSON.parse(readFileSync(join(root, 'deploy/azure/example-building.json'), 'utf8'));
  t.same(example, exampleBuilding, "the example is the schema's example building");
});

t.test('teardown --dry-run prints the resource group deletion', async (t) => {
  const result = dryRun(t, ['--dry-run', 'teardown']);
  t.equal(result.status, 0);
  t.equal(result.ran, '');
  t.same(result.stderr.trimEnd().split('\n'), ['+ az group delete --name energy-demo --yes --no-wait']);
});

t.test('an unknown or missing command is a usage error', async (t) => {
  for (const args of [[], ['--dry-run'], ['--dry-run', 'launch'], ['deploy', 'teardown']]) {
    const result = dryRun(t, args);
    t.equal(result.status, 2, `deploy.sh ${args.join(' ')}`);
    t.equal(result.ran, '');
  }
});
