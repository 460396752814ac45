// The renderer and the schemas are what k8s.spec.ts trusts: prove they do what kustomize and the API server would,
// on small inputs (no files).
import { applyJsonPatch, applyPatch, strategicMerge, type K8sObject } from './kustomize';
import { schemaProblems } from './k8s-schemas';

const deployment = (): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'a' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'a' } },
    template: {
      metadata: { labels: { app: 'a' } },
      spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }] },
    },
  },
});

describe('strategicMerge', () => {
  it('merges maps, deletes keys patched to null and merges built-in named lists by name', () => {
    const patched = strategicMerge(
      deployment(),
      {
        spec: {
          replicas: 1,
          selector: null,
          template: {
            spec: {
              containers: [
                { name: 'a', env: [{ name: 'Y', value: '2' }] },
                { name: 'b', image: 'b:1' },
              ],
            },
          },
        },
      },
      true,
    ) as K8sObject & {
      spec: {
        replicas: number;
        selector?: unknown;
        template: { spec: { containers: { name: string; image: string; env?: unknown[] }[] } };
      };
    };
    expect(patched.spec.replicas).toBe(1);
    expect(patched.spec.selector).toBeUndefined();
    expect(patched.spec.template.spec.containers).toEqual([
      {
        name: 'a',
        image: 'a:1',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
      },
      { name: 'b', image: 'b:1' },
    ]);
  });

  it("replaces lists of custom resources, which have no schema for kustomize's merge keys", () => {
    expect(strategicMerge({ volumes: [{ name: 'a', size: 1 }] }, { volumes: [{ name: 'a' }] }, false)).toEqual({
      volumes: [{ name: 'a' }],
    });
  });
});

describe('applyPatch', () => {
  const named = (name: string): K8sObject => ({ ...deployment(), metadata: { name } });
  const objects = [
    named('intake'),
    named('intake-worker'),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'intake-config' } },
  ];
  const replicas = (o: K8sObject): unknown => (o.spec as { replicas?: number } | undefined)?.replicas;

  it('applies a targeted patch to every object the target selects, the name as an anchored regular expression, never renaming', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: any }\nspec: { replicas: 1 }';
    expect(applyPatch(objects, { target: { kind: 'Deployment' }, patch }, '.').map(replicas)).toStrictEqual([
      1,
      1,
      undefined,
    ]);
    const one = applyPatch(objects, { target: { kind: 'Deployment', name: 'intake' }, patch }, '.');
    expect(one.map(replicas)).toStrictEqual([1, 2, undefined]);
    expect(one.map((o) => o.metadata.name)).toEqual(['intake', 'intake-worker', 'intake-config']);
  });

  it('deletes the selected objects with $patch: delete, and refuses a patch that selects nothing or holds two', () => {
    const remove = '$patch: delete\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: any }';
    expect(applyPatch(objects, { target: { kind: 'Deployment' }, patch: remove }, '.').map((o) => o.kind)).toEqual([
      'ConfigMap',
    ]);
    expect(() => applyPatch(objects, { target: { kind: 'Job' }, patch: remove }, '.')).toThrow(/matches no object/);
    expect(() => applyPatch(objects, { patch: `${remove}\n---\n${remove}` }, '.')).toThrow(/exactly one patch/);
  });
});

describe('applyJsonPatch', () => {
  it('adds, replaces and removes by JSON pointer, appending with "-"', () => {
    const patched = applyJsonPatch(deployment(), [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'Z', value: '3' } },
      { op: 'remove', path: '/spec/selector' },
      { op: 'add', path: '/metadata/labels', value: { 'a~b/c': 'x' } },
    ]) as K8sObject & {
      spec: { replicas: number; selector?: unknown; template: { spec: { containers: { env: unknown[] }[] } } };
    };
    expect(patched.spec.replicas).toBe(5);
    expect(patched.spec.selector).toBeUndefined();
    expect(patched.spec.template.spec.containers[0].env).toHaveLength(2);
  });

  it('refuses a path that does not exist, as kustomize does', () => {
    expect(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/paused', value: true }])).toThrow(
      /does not exist/,
    );
    expect(() => applyJsonPatch(deployment(), [{ op: 'remove', path: '/spec/nothing/here' }])).toThrow(
      /does not exist/,
    );
  });
});

describe('schemaProblems', () => {
  it('accepts a valid object and names what is wrong in an invalid one', () => {
    expect(schemaProblems(deployment())).toEqual([]);
    const bad = deployment() as K8sObject & { spec: { template: { spec: { containers: { ports?: unknown[] }[] } } } };
    bad.spec.template.spec.containers[0].ports = [{ containerPort: 'http' }];
    expect(schemaProblems(bad).join()).toMatch(/containerPort must be integer/);
  });

  it("checks the operators' resources too, and refuses a kind it has no schema for", () => {
    expect(
      schemaProblems({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'db' },
        spec: { instances: 'three' },
      }).join(),
    ).toMatch(/instances must be integer/);
    const topic = {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaTopic',
      metadata: { name: 't', labels: { 'strimzi.io/cluster': 'k' } },
    };
    expect(schemaProblems({ ...topic, spec: { partitions: 6, config: { 'retention.ms': '1' } } })).toEqual([]);
    expect(schemaProblems({ ...topic, spec: { partitions: 0, partition: 6 } }).length).toBe(2);
    expect(
      schemaProblems({
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'Kafka',
        metadata: { name: 'k' },
        spec: { kafka: { listeners: [] } },
      }).length,
    ).toBeGreaterThan(0);
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema for example.com/v1/Widget',
    ]);
  });
});
