// deploy/k8s cannot be applied here (no cluster, no kubectl): every overlay is rendered by scripts/deploy/kustomize.ts
// and held to the Kubernetes and operator schemas, to the services' configuration code and to the topic catalogue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPICS, dlqTopicOf, provisioningOf, dlqProvisioningOf } from '@orders/contracts';
import { readServiceConfig, serviceVariables } from '@orders/service-kit';
import { TELEMETRY_DEFAULTS } from '@orders/service-kit/src/telemetry/telemetry-config';
import { render, type K8sObject } from './kustomize';
import { schemaProblems } from './k8s-schemas';
import { KAFKA_CLUSTER, TOPICS_FILE, kafkaTopicResources, renderKafkaTopics } from './generate-kafka-topics';
import {
  DEPLOYED,
  appModuleSource,
  find,
  manifests,
  podLabelsOf,
  podSpecOf,
  selectorMatches,
  type LabelSelector,
} from './k8s-services';
import { root } from './service-manifests';

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}

const OVERLAYS = ['dev', 'prod', 'keda'] as const;
const rendered = Object.fromEntries(
  OVERLAYS.map((overlay) => [overlay, render(join(root, 'deploy', 'k8s', 'overlays', overlay))]),
) as Record<(typeof OVERLAYS)[number], K8sObject[]>;
const cases = OVERLAYS.flatMap((overlay) =>
  manifests.map((manifest) => ({
    overlay,
    manifest,
    service: must(
      DEPLOYED.find((d) => d.name === manifest.name),
      manifest.name,
    ),
  })),
);

/** Secrets the overlay expects to exist without rendering them: CloudNativePG's, and prod's service secrets. */
function outOfBandSecrets(objects: K8sObject[]): Map<string, string[] | undefined> {
  const secrets = new Map<string, string[] | undefined>(
    objects.filter((o) => o.kind === 'Cluster').map((o) => [`${o.metadata.name}-app`, ['uri']]),
  );
  if (!objects.some((o) => o.kind === 'Secret'))
    for (const m of manifests) secrets.set(`${m.name}-secrets`, ['API_KEYS', 'PII_MASTER_KEY']);
  return secrets;
}

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = rendered[overlay];

  it('renders objects that all pass their schemas, in one namespace', () => {
    expect(objects.flatMap(schemaProblems)).toEqual([]);
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
    expect([...namespaces]).toStrictEqual([objects.find((o) => o.kind === 'Namespace')?.metadata.name]);
  });

  it('labels every object with the apply step it belongs to (README, "Apply order"): services last', () => {
    const component = (o: K8sObject): string | undefined => o.metadata.labels?.['app.kubernetes.io/component'];
    expect(
      objects.filter((o) => !['namespace', 'network', 'kafka', 'database', 'service'].includes(component(o) ?? '')),
    ).toEqual([]);
    for (const kind of ['Deployment', 'HorizontalPodAutoscaler', 'ScaledObject']) {
      expect(objects.filter((o) => o.kind === kind).every((o) => component(o) === 'service')).toBe(true);
    }
  });

  it('holds no real secret: dev has empty placeholders, prod renders no Secret', () => {
    for (const secret of objects.filter((o) => o.kind === 'Secret')) {
      expect(overlay).toBe('dev');
      for (const value of Object.values((secret.stringData ?? {}) as Record<string, string>)) expect(value).toBe('');
      expect(secret.data).toBeUndefined();
    }
  });

  it('refers only to ConfigMaps and Secrets it renders or that exist out of band', () => {
    const outOfBand = outOfBandSecrets(objects);
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      for (const container of podSpecOf(deployment).containers) {
        for (const from of container.envFrom ?? []) {
          if (from.configMapRef) expect(find(objects, 'ConfigMap', from.configMapRef.name)).toBeDefined();
          if (from.secretRef)
            expect(find(objects, 'Secret', from.secretRef.name) ?? outOfBand.has(from.secretRef.name)).toBeTruthy();
        }
        for (const ref of (container.env ?? []).flatMap((e) =>
          e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [],
        )) {
          expect(outOfBand.get(ref.name) ?? []).toContain(ref.key);
        }
      }
    }
  });

  it('scales and protects only Deployments it renders', () => {
    for (const o of objects.filter((x) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(x.kind))) {
      const target = (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name;
      expect(find(objects, 'Deployment', target)).toBeDefined();
    }
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      const autoscalers = objects.filter(
        (o) =>
          ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind) &&
          (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === deployment.metadata.name,
      );
      expect(autoscalers).toHaveLength(1);
      expect(find(objects, 'PodDisruptionBudget', deployment.metadata.name)).toBeDefined();
    }
  });

  it('denies all traffic by default', () => {
    const deny = find(objects, 'NetworkPolicy', 'default-deny-all')?.spec as {
      podSelector: object;
      policyTypes: string[];
      ingress?: unknown;
      egress?: unknown;
    };
    expect(deny).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it("lets the service pods into Kafka's plain listener and PostgreSQL, which the default deny also covers", () => {
    const service = podLabelsOf(must(find(objects, 'Deployment', 'intake'), 'Deployment/intake'));
    const admits = (pod: Record<string, string>, port: number): boolean =>
      objects
        .filter(
          (o) =>
            o.kind === 'NetworkPolicy' && selectorMatches((o.spec as { podSelector: LabelSelector }).podSelector, pod),
        )
        .flatMap(
          (o) =>
            (
              o.spec as {
                ingress?: {
                  from: { podSelector?: LabelSelector; namespaceSelector?: object }[];
                  ports?: { port: number }[];
                }[];
              }
            ).ingress ?? [],
        )
        .some(
          (rule) =>
            (!rule.ports || rule.ports.some((p) => p.port === port)) &&
            rule.from.some(
              (peer) => !peer.namespaceSelector && peer.podSelector && selectorMatches(peer.podSelector, service),
            ),
        );
    expect(
      admits(
        { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' },
        9092,
      ),
    ).toBe(true);
    expect(admits({ 'cnpg.io/cluster': 'intake-db', 'cnpg.io/instanceRole': 'primary' }, 5432)).toBe(true);
    expect(admits({ 'cnpg.io/cluster': 'intake-db' }, 8000)).toBe(false);
  });

  it('declares every topic of the catalogue and its dead-letter topic, exactly as the generator writes them', () => {
    const topics = objects
      .filter((o) => o.kind === 'KafkaTopic')
      .map(({ metadata, ...rest }) => ({ ...rest, metadata: { name: metadata.name, labels: metadata.labels } }));
    expect(topics).toEqual(kafkaTopicResources());
    expect(find(objects, 'Kafka', KAFKA_CLUSTER)).toBeDefined();
    expect(
      objects
        .filter((o) => o.kind === 'KafkaNodePool')
        .every((o) => o.metadata.labels?.['strimzi.io/cluster'] === KAFKA_CLUSTER),
    ).toBe(true);
  });
});

describe.each(cases)('$overlay: $manifest.name', ({ overlay, manifest, service }) => {
  const objects = rendered[overlay];
  const deployment = must(find(objects, 'Deployment', manifest.name), `Deployment/${manifest.name}`);
  const pod = podSpecOf(deployment);
  const container = pod.containers[0];
  const configMap = must(find(objects, 'ConfigMap', `${manifest.name}-config`), `ConfigMap/${manifest.name}-config`);
  const dbSecret = `${manifest.databaseName}-db-app`;
  // The service's own secret settings (a notification token): from its Secret, empty by default.
  const ownSecrets = (): string[] =>
    Object.values(service.settings).flatMap((declaration) => [...(declaration.secret ?? [])]);
  const ownSecretsEmpty = (): Record<string, string> => Object.fromEntries(ownSecrets().map((name) => [name, '']));
  const environment = (): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, find(objects, 'ConfigMap', from.configMapRef.name)?.data);
      const secret = from.secretRef && find(objects, 'Secret', from.secretRef.name);
      // Out-of-band secrets (prod): a well-formed stand-in, never a real value.
      if (from.secretRef)
        Object.assign(
          env,
          secret
            ? secret.stringData
            : { API_KEYS: 'ops:0123456789abcdef0123', PII_MASTER_KEY: 'ab'.repeat(32), ...ownSecretsEmpty() },
        );
    }
    for (const e of container.env ?? []) {
      // CloudNativePG's `uri`: postgresql://<owner>:<password>@<cluster>-rw.<namespace>:5432/<database>
      env[e.name] =
        e.value ??
        `postgresql://${manifest.databaseName}:pw@${e.valueFrom?.secretKeyRef?.name.replace(/-app$/, '')}-rw.${deployment.metadata.namespace}:5432/${manifest.databaseName}`;
    }
    return env;
  };

  it('passes its configuration code as the pod would see it, listening on all interfaces on its port', () => {
    const config = readServiceConfig(manifest, environment(), Object.values(service.settings));
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(manifest.defaultPort);
    // Strimzi's bootstrap Service for the cluster's plain listener.
    const kafka = must(find(objects, 'Kafka', KAFKA_CLUSTER), 'Kafka').spec as {
      kafka: { listeners: { name: string; port: number; tls: boolean }[] };
    };
    const plain = kafka.kafka.listeners.find((l) => !l.tls);
    expect(config.kafka.brokers).toEqual([`${KAFKA_CLUSTER}-kafka-bootstrap:${plain?.port}`]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: manifest.defaultPort, protocol: 'TCP' }]);
    expect((find(objects, 'Service', manifest.name)?.spec as { ports: unknown[] }).ports).toEqual([
      { name: 'http', port: manifest.defaultPort, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it('sets exactly the variables its configuration reads (kit and own settings, names checked)', () => {
    for (const name of Object.keys(service.settings))
      expect(appModuleSource(manifest.dir)).toMatch(new RegExp(`settings: \\[[^\\]]*\\b${name}\\b`));
    const own = Object.values(service.settings).flatMap((declaration) => Object.keys(declaration.defaults));
    // Tracing is the prod overlay's (optional) addition, kept by keda (built on prod): the kit's telemetry variables
    // there, none in dev.
    const telemetry = Object.keys(environment()).filter((name) => name in TELEMETRY_DEFAULTS);
    if (overlay === 'dev') expect(telemetry).toEqual([]);
    const expected = [...Object.values(serviceVariables(manifest)), ...own, ...telemetry, 'TMPDIR'].sort();
    expect(Object.keys(environment()).sort()).toEqual(expected);
    expect(Object.keys(configMap.data as object)).not.toEqual(expect.arrayContaining(['API_KEYS']));
    expect(Object.keys(configMap.data as object)).not.toEqual(expect.arrayContaining(['PII_MASTER_KEY']));
  });

  it('reads its database URL from its own CloudNativePG cluster, which creates its database', () => {
    const variable = container.env?.find((e) => e.name === manifest.databaseUrlVariable);
    expect(variable?.valueFrom?.secretKeyRef).toEqual({ name: dbSecret, key: 'uri' });
    const cluster = find(objects, 'Cluster', dbSecret.replace(/-app$/, ''))?.spec as {
      bootstrap: { initdb: { database: string; owner: string } };
    };
    expect(cluster.bootstrap.initdb).toEqual({ database: manifest.databaseName, owner: manifest.databaseName });
  });

  it('runs non-root on a read-only root filesystem with /health readiness and /health/live liveness', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits?.memory).toBeDefined();
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(container.image).toMatch(new RegExp(`^order-platform/${manifest.dir}:`));
  });

  it('reaches Kafka and only its own database, and lets Prometheus scrape its http port', () => {
    const labels = podLabelsOf(deployment);
    const applies = (o: K8sObject): boolean =>
      selectorMatches((o.spec as { podSelector: LabelSelector }).podSelector, labels);
    const policies = objects
      .filter((o) => o.kind === 'NetworkPolicy' && applies(o))
      .map(
        (o) =>
          o.spec as {
            ingress?: { from: object[]; ports?: { port: string | number }[] }[];
            egress?: { to?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports: { port: number }[] }[];
          },
      );
    const egress = policies.flatMap((p) => p.egress ?? []);
    const databases = egress
      .flatMap((rule) => (rule.to ?? []).map((to) => to.podSelector?.matchLabels?.['cnpg.io/cluster']))
      .filter(Boolean);
    expect(databases).toEqual([`${manifest.databaseName}-db`]);
    expect(
      egress.some(
        (rule) =>
          rule.ports.some((p) => p.port === 9092) &&
          rule.to?.some((to) => to.podSelector?.matchLabels?.['strimzi.io/cluster'] === KAFKA_CLUSTER),
      ),
    ).toBe(true);
    expect(
      policies
        .flatMap((p) => p.ingress ?? [])
        .some(
          (rule) => JSON.stringify(rule.from).includes('"monitoring"') && rule.ports?.some((p) => p.port === 'http'),
        ),
    ).toBe(true);
  });

  it('traces to the OTLP collector in prod (and keda, built on it) only, reached through a NetworkPolicy', () => {
    const tracing = readServiceConfig(manifest, environment(), Object.values(service.settings)).telemetry.tracing;
    const collector = { namespace: 'observability', pod: { 'app.kubernetes.io/name': 'opentelemetry-collector' } };
    const reaches = objects
      .filter((o) => o.kind === 'NetworkPolicy')
      .map(
        (o) =>
          o.spec as {
            podSelector: LabelSelector;
            egress?: {
              to?: { namespaceSelector?: LabelSelector; podSelector?: LabelSelector }[];
              ports?: { port: number }[];
            }[];
          },
      )
      .filter((policy) => selectorMatches(policy.podSelector, podLabelsOf(deployment)))
      .flatMap((policy) => policy.egress ?? [])
      .some(
        (rule) =>
          rule.ports?.some((p) => p.port === 4318) &&
          rule.to?.some(
            (to) =>
              to.namespaceSelector &&
              selectorMatches(to.namespaceSelector, { 'kubernetes.io/metadata.name': collector.namespace }) &&
              to.podSelector &&
              selectorMatches(to.podSelector, collector.pod),
          ),
      );
    if (overlay !== 'dev') {
      expect(tracing?.url).toBe('http://otel-collector.observability:4318/v1/traces');
      expect(reaches).toBe(true);
    } else {
      expect(tracing).toBeUndefined();
      expect(reaches).toBe(false);
    }
  });

  it('gets the personal-data master key from its Secret where it keeps a vault', () => {
    expect(container.envFrom).toContainEqual({ secretRef: { name: `${manifest.name}-secrets` } });
    if (overlay === 'dev')
      expect(Object.keys(find(objects, 'Secret', `${manifest.name}-secrets`)?.stringData as object).sort()).toEqual(
        ['API_KEYS', 'PII_MASTER_KEY', ...ownSecrets()].sort(),
      );
    expect(service.vault).toBe(/piiMasterKeyOf/.test(appModuleSource(manifest.dir)));
  });
});

describe('KafkaTopics', () => {
  it('are generated from the catalogue: names, partitions, retention and compaction, dead-letter topics included', () => {
    const byName = new Map(kafkaTopicResources().map((t) => [t.spec.topicName, t.spec]));
    expect(byName.size).toBe(TOPICS.length * 2);
    for (const topic of TOPICS) {
      for (const provisioning of [provisioningOf(topic), dlqProvisioningOf(topic)]) {
        const spec = byName.get(provisioning.topic);
        expect(spec?.partitions).toBe(topic.partitions);
        expect(spec?.config).toEqual(Object.fromEntries(provisioning.configEntries.map((e) => [e.name, e.value])));
      }
      expect(byName.get(topic.name)?.config['cleanup.policy']).toBe(topic.cleanupPolicy);
      if (topic.retentionMs !== null)
        expect(byName.get(topic.name)?.config['retention.ms']).toBe(String(topic.retentionMs));
      expect(byName.get(dlqTopicOf(topic.name))?.config['cleanup.policy']).toBe('delete');
    }
  });

  it('are committed as the generator writes them (run scripts/deploy/generate-kafka-topics.ts after a catalogue change)', () => {
    expect(readFileSync(TOPICS_FILE, 'utf8')).toBe(renderKafkaTopics());
  });
});

describe('KEDA overlay', () => {
  it('scales each consumer on the lag of exactly the consumer groups it joins, up to the partitions it reads', () => {
    for (const service of DEPLOYED) {
      const spec = find(rendered.keda, 'ScaledObject', service.name)?.spec as {
        maxReplicaCount: number;
        triggers: { type: string; metadata: Record<string, string> }[];
      };
      const kafka = spec.triggers.filter((t) => t.type === 'kafka');
      expect(kafka.map((t) => t.metadata.consumerGroup).sort()).toEqual([...service.consumerGroups].sort());
      for (const trigger of kafka)
        expect(trigger.metadata.bootstrapServers).toBe(`${KAFKA_CLUSTER}-kafka-bootstrap:9092`);
      expect(spec.maxReplicaCount).toBeLessThanOrEqual(Math.max(...TOPICS.map((t) => t.partitions)));
    }
    expect(rendered.keda.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });
});
