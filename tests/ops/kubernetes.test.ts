// deploy/kubernetes/: every manifest valid against the Kubernetes schemas
// (kubernetes-models, no cluster), and consistent with the gateway it runs:
// its environment is a configuration the gateway accepts, the ports and probe
// paths are the ones it serves, the grace period outlasts its drain, the
// mounts are where its settings point, and the rules ConfigMap is rules/.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { packageRoot } from '../../engine/src/package-root.js';
import { createApp } from '../../gateway/app.js';
import { resolveConfig, type GatewayConfig } from '../../gateway/ops/config.js';
import { MetricsTokens } from '../../gateway/ops/metrics-token.js';
import { TenantDirectory } from '../../gateway/ops/tenants.js';
import { rulesConfigMap } from '../../lib/rules-configmap.js';
import { fakeAuthenticate, fakeService } from '../support/gateway/fake-service.js';

const DIR = join(packageRoot, 'deploy', 'kubernetes');

/** Each kind we ship, with the schema class that validates it. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
};

// Manifests are walked by field name, as kubectl reads them; the schema classes check the types.
type Doc = Record<string, any>;
const files = readdirSync(DIR).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml');
// Examples (the tokens Secret) are validated like the rest but never applied: kustomization.yaml leaves them out.
const applied = files.filter((name) => !name.endsWith('.example.yaml'));
const docs: { file: string; doc: Doc }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
    return { file, doc: document.toJS() as Doc };
  }),
);
const one = (kind: string): Doc => {
  const found = docs.filter(({ doc }) => doc['kind'] === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/kubernetes, found ${found.length}`);
  return found[0]!.doc;
};
const deployment = one('Deployment');
const pod = deployment['spec']['template']['spec'];
const container = pod['containers'][0];
const envOf = (c: Doc): Record<string, string> => Object.fromEntries((c['env'] as Doc[]).map((e) => [e['name'], e['value']]));
const portNamed = (name: string): number => {
  const port = (container['ports'] as Doc[]).find((p) => p['name'] === name);
  if (!port) throw new Error(`the container has no port named ${name}`);
  return port['containerPort'];
};

const scratch = mkdtempSync(join(tmpdir(), 'gridcode-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The configuration the gateway resolves from the container's environment (defaults < env), as it would at startup. */
function containerConfig(): GatewayConfig {
  return resolveConfig({ env: envOf(container), cwd: '/app' });
}

/** A Kubernetes memory quantity in bytes: Ki/Mi/Gi are powers of 1024, k/M/G of 1000 ("3G" is 3·10⁹ bytes, not 3 GiB). */
function kubernetesBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`memory quantity ${quantity}: expected digits and one of Ki Mi Gi k M G`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

/** A systemd MemoryMax= size in bytes: its K/M/G are powers of 1024 (systemd.resource-control(5)). */
function systemdBytes(size: string): number {
  const match = /^(\d+)([KMG])?$/.exec(size);
  if (!match) throw new Error(`MemoryMax=${size}: expected digits and one of K M G`);
  return Number(match[1]) * ({ K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[match[2] ?? ''] ?? 1);
}

describe('memory quantities', () => {
  it('read Kubernetes G as 10^9 bytes and Gi, and systemd G, as 2^30', () => {
    expect(kubernetesBytes('3G')).toBe(3_000_000_000);
    expect(kubernetesBytes('3Gi')).toBe(3 * 1024 * 1024 * 1024);
    expect(kubernetesBytes('512Mi')).toBe(512 * 1024 * 1024);
    expect(systemdBytes('3G')).toBe(kubernetesBytes('3Gi'));
    expect(() => kubernetesBytes('3 GiB')).toThrow(/3 GiB/);
  });
});

describe('deploy/kubernetes manifests', () => {
  it('are each valid against the Kubernetes schema of their kind', () => {
    expect(docs.length).toBeGreaterThanOrEqual(6);
    for (const { file, doc } of docs) {
      const Model = MODELS[`${doc['apiVersion']} ${doc['kind']}`];
      if (!Model) throw new Error(`${file}: ${doc['apiVersion']} ${doc['kind']} is not a kind these tests know how to validate`);
      expect(() => new Model(doc as never).validate(), `${file} ${doc['kind']}`).not.toThrow();
    }
  });

  it('the schema check itself rejects a broken Deployment (a port given as text)', () => {
    const broken = structuredClone(deployment);
    broken['spec']['template']['spec']['containers'][0]['ports'][0]['containerPort'] = 'eighty';
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('kustomization.yaml lists exactly the manifests of the folder, and not the example Secret (applying would overwrite the real tokens)', () => {
    const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Doc;
    expect([...kustomization['resources']].sort()).toEqual([...applied].sort());
    expect(applied.flatMap((file) => docs.filter((d) => d.file === file && d.doc['kind'] === 'Secret'))).toEqual([]);
    expect(kustomization['secretGenerator']).toBeUndefined();
  });

  it('no service-link variables: a Service named gridcode would set GRIDCODE_PORT=tcp://…, which the gateway refuses', () => {
    expect(pod['enableServiceLinks']).toBe(false);
    const service = one('Service');
    const prefix = String(service['metadata']['name']).toUpperCase().replace(/-/g, '_');
    expect(() => resolveConfig({ env: { [`${prefix}_PORT`]: `tcp://10.0.0.1:${service['spec']['ports'][0]['port']}` }, cwd: '/app' })).toThrow(/GRIDCODE_PORT/);
  });

  it('the container environment is a configuration the gateway accepts, on the container ports', () => {
    const config = containerConfig();
    expect(config.port).toBe(portNamed('http'));
    expect(config.grpcPort).toBe(portNamed('grpc'));
    expect(config.host).toBe('0.0.0.0');
  });

  it('the Service exposes both container ports by name', () => {
    const service = one('Service');
    const byName = new Map((service['spec']['ports'] as Doc[]).map((p) => [p['name'], p]));
    expect([...byName.keys()].sort()).toEqual(['grpc', 'http']);
    for (const [name, port] of byName) {
      portNamed(port['targetPort']);
      expect(port['port']).toBe(portNamed(name));
    }
    expect(service['spec']['selector']).toEqual(deployment['spec']['selector']['matchLabels']);
  });

  it('the probes ask the gateway for paths it serves: liveness /healthz, readiness /readyz', async () => {
    const app = createApp({ service: fakeService().service, authenticate: fakeAuthenticate });
    const probes = { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/readyz' };
    for (const [probe, path] of Object.entries(probes)) {
      const get = container[probe]['httpGet'];
      expect(get['path'], probe).toBe(path);
      expect(portNamed(get['port']), probe).toBe(containerConfig().port);
      expect((await app.request(get['path'])).status, probe).toBe(200);
    }
    expect((await app.request('/healthz-not-served')).status).toBe(404);
  });

  it('the grace period outlasts preStop, the drain delay and the shutdown timeout', () => {
    const config = containerConfig();
    const preStop = container['lifecycle']['preStop']['exec']['command'] as string[];
    expect(preStop[0]).toBe('sleep');
    const preStopSeconds = Number(preStop[1]);
    expect(config.drainDelayMs).toBeGreaterThan(0);
    expect(pod['terminationGracePeriodSeconds']).toBeGreaterThan(preStopSeconds + (config.shutdownTimeoutMs + config.drainDelayMs) / 1000);
    // The drain delay outlasts the failures readiness needs, so that the pod is unready before the listeners close.
    const readiness = container['readinessProbe'];
    expect(config.drainDelayMs / 1000).toBeGreaterThan(readiness['periodSeconds'] * readiness['failureThreshold']);
  });

  it('one scoring worker per requested core (the process sees the node cores, not the request)', () => {
    expect(containerConfig().workers).toBe(Number(container['resources']['requests']['cpu']));
  });

  it('memory: a request, and a limit no lower, the same as the systemd unit gives', () => {
    const { requests, limits } = container['resources'];
    expect(kubernetesBytes(limits['memory'])).toBeGreaterThanOrEqual(kubernetesBytes(requests['memory']));
    const unit = readFileSync(join(packageRoot, 'deploy', 'systemd', 'gridcode.service'), 'utf8');
    expect(systemdBytes(/^MemoryMax=(\S+)$/m.exec(unit)![1]!)).toBe(kubernetesBytes(limits['memory']));
  });

  it('runs as non-root on a read-only root filesystem', () => {
    expect(pod['securityContext']['runAsNonRoot']).toBe(true);
    expect(pod['securityContext']['runAsUser']).toBeGreaterThan(0);
    expect(container['securityContext']['readOnlyRootFilesystem']).toBe(true);
    expect(container['securityContext']['allowPrivilegeEscalation']).toBe(false);
  });

  it('the rules ConfigMap is rules/, mounted where GRIDCODE_RULES_DIR points', () => {
    const configMap = one('ConfigMap');
    expect(configMap['data'], 'deploy/kubernetes/rules-configmap.yaml differs from rules/: run npm run kubernetes-rules').toEqual(rulesConfigMap()['data']);
    const volume = (pod['volumes'] as Doc[]).find((v) => v['configMap']?.['name'] === configMap['metadata']['name']);
    const mount = (container['volumeMounts'] as Doc[]).find((m) => m['name'] === volume?.['name']);
    expect(mount?.['mountPath']).toBe(containerConfig().rulesDir);
    expect(mount?.['subPath'], 'a subPath mount never sees ConfigMap updates').toBeUndefined();
  });

  it('the tokens Secret is mounted where the token settings point, and the gateway reads its files', async () => {
    const secret = one('Secret');
    const volume = (pod['volumes'] as Doc[]).find((v) => v['secret']?.['secretName'] === secret['metadata']['name']);
    const mount = (container['volumeMounts'] as Doc[]).find((m) => m['name'] === volume?.['name']);
    const config = containerConfig();
    const inSecret = (file: string | undefined) => {
      expect(file?.startsWith(`${mount?.['mountPath']}/`)).toBe(true);
      const text = secret['stringData'][file!.slice(mount!['mountPath'].length + 1)] as string | undefined;
      expect(text, `${file} is not a key of the Secret`).toBeDefined();
      const copy = join(scratch, file!.split('/').pop()!);
      writeFileSync(copy, text!);
      return copy;
    };
    const directory = await TenantDirectory.load(inSecret(config.tokensFile), { defaultRuleSet: config.defaultRuleSet });
    expect(directory).toBeDefined();
    await MetricsTokens.load(inSecret(config.metricsTokenFile));
  });

  it('the autoscaler and the disruption budget act on these pods', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa['spec']['scaleTargetRef']).toMatchObject({ apiVersion: deployment['apiVersion'], kind: 'Deployment', name: deployment['metadata']['name'] });
    expect(hpa['spec']['minReplicas']).toBeGreaterThanOrEqual(2);
    const pdb = one('PodDisruptionBudget');
    expect(deployment['spec']['template']['metadata']['labels']).toMatchObject(pdb['spec']['selector']['matchLabels']);
  });
});
