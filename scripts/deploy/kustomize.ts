// A small kustomize for rendering without kubectl: this machine and CI have neither kubectl nor a cluster, and no
// npm package renders kustomizations offline. It implements the subset deploy/k8s uses and rejects any other key,
// so a kustomization that renders here means the same to `kubectl kustomize` (deploy/k8s/README.md, "Rendering").
// Run: node -r @swc-node/register scripts/deploy/kustomize.ts deploy/k8s/overlays/prod > prod.yaml
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: { kind?: string; name?: string };
}
interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
}
interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  patches?: PatchEntry[];
  images?: ImageEntry[];
}
type JsonOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

export const SUPPORTED_KEYS = ['apiVersion', 'kind', 'resources', 'namespace', 'patches', 'images'];
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
]);
/** Lists that Kubernetes' strategic merge patch merges by `name` in built-in kinds; every other list is replaced. */
const MERGED_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes', 'volumeMounts']);

function readYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((value) => value !== null && value !== undefined);
}

function readKustomization(dir: string): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const [kustomization] = readYaml(file) as Kustomization[];
  const unknown = Object.keys(kustomization).filter((key) => !SUPPORTED_KEYS.includes(key));
  if (unknown.length > 0)
    throw new Error(`${file}: ${unknown.join(', ')} not supported by scripts/deploy/kustomize.ts`);
  return kustomization;
}

const keyOf = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isBuiltIn = (apiVersion: string): boolean =>
  !apiVersion.includes('/') || !apiVersion.split('/')[0].includes('.') || apiVersion.includes('k8s.io/');

/** Strategic merge: maps merge, `null` deletes a key, named lists of built-in kinds merge by name, other lists are replaced. */
export function strategicMerge(target: unknown, patch: unknown, builtIn: boolean, field = ''): unknown {
  if (Array.isArray(patch)) {
    if (!builtIn || !MERGED_BY_NAME.has(field) || !Array.isArray(target)) return structuredClone(patch);
    const merged = target.map((item) => structuredClone(item) as Record<string, unknown>);
    for (const item of patch as Record<string, unknown>[]) {
      const at = merged.findIndex((existing) => existing.name === item.name);
      if (item.$patch === 'delete') {
        if (at >= 0) merged.splice(at, 1);
      } else if (at >= 0) merged[at] = strategicMerge(merged[at], item, builtIn) as Record<string, unknown>;
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = strategicMerge(result[key], value, builtIn, key);
  }
  return result;
}

const unescape = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

/** RFC 6902 add, replace and remove: what overlays need; other operations are refused. */
export function applyJsonPatch(target: K8sObject, ops: JsonOp[]): K8sObject {
  const result = structuredClone(target);
  for (const { op, path, value } of ops) {
    if (!['add', 'replace', 'remove'].includes(op)) throw new Error(`JSON patch op ${op} not supported`);
    const tokens = path.split('/').slice(1).map(unescape);
    const last = tokens.pop();
    if (last === undefined) throw new Error(`JSON patch path ${path} is the whole document`);
    let parent: unknown = result;
    for (const token of tokens) {
      parent = Array.isArray(parent) ? parent[Number(token)] : (parent as Record<string, unknown>)?.[token];
      if (parent === undefined) throw new Error(`JSON patch path ${path} does not exist in ${keyOf(target)}`);
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!(index >= 0 && index <= parent.length))
        throw new Error(`JSON patch index ${path} out of range in ${keyOf(target)}`);
      if (op === 'add') parent.splice(index, 0, value);
      else if (index === parent.length) throw new Error(`JSON patch path ${path} does not exist in ${keyOf(target)}`);
      else if (op === 'replace') parent[index] = value;
      else parent.splice(index, 1);
    } else if (isObject(parent)) {
      if (op !== 'add' && !(last in parent))
        throw new Error(`JSON patch path ${path} does not exist in ${keyOf(target)}`);
      if (op === 'remove') delete parent[last];
      else parent[last] = value;
    } else throw new Error(`JSON patch path ${path} does not exist in ${keyOf(target)}`);
  }
  return result;
}

/** kustomize's target selector: exact kind, name as an anchored regular expression. */
const selects = (target: { kind?: string; name?: string }, o: K8sObject): boolean =>
  (!target.kind || o.kind === target.kind) &&
  (!target.name || new RegExp(`^(?:${target.name})$`).test(o.metadata.name));

/**
 * One patch per entry, as kustomize's `patches` field takes it (a file of several documents is refused there too).
 * With a target it applies to every selected object; a strategic merge patch without one applies to the object of
 * its own kind and name.
 */
export function applyPatch(objects: K8sObject[], entry: PatchEntry, dir: string): K8sObject[] {
  const documents = entry.path ? readYaml(join(dir, entry.path)) : readYamlText(entry.patch ?? '');
  if (documents.length !== 1)
    throw new Error(
      `${dir}: a patch entry must hold exactly one patch (${entry.path ?? 'inline'} has ${documents.length})`,
    );
  const [document] = documents;
  const json = Array.isArray(document);
  if (json && !entry.target) throw new Error(`${dir}: a JSON 6902 patch needs a target`);
  const patch = document as K8sObject & { $patch?: string };
  const matched = objects.filter((o) =>
    entry.target ? selects(entry.target, o) : o.kind === patch.kind && o.metadata.name === patch.metadata?.name,
  );
  if (matched.length === 0)
    throw new Error(`${dir}: patch ${entry.path ?? JSON.stringify(entry.target)} matches no object`);
  if (!json && patch.$patch === 'delete') return objects.filter((o) => !matched.includes(o));
  return objects.map((o) => {
    if (!matched.includes(o)) return o;
    if (json) return applyJsonPatch(o, document as JsonOp[]);
    // The patch's own name only selects when there is no target; it never renames.
    const { metadata, ...rest } = patch;
    return strategicMerge(
      o,
      { ...rest, metadata: { ...metadata, name: o.metadata.name } },
      isBuiltIn(o.apiVersion),
    ) as K8sObject;
  });
}

function readYamlText(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((value) => value !== null && value !== undefined);
}

/** kustomize's images transformer: matches the image's repository (without tag or digest). */
function applyImages(object: K8sObject, images: ImageEntry[]): K8sObject {
  const spec = (object.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  if (!spec) return object;
  for (const list of ['containers', 'initContainers']) {
    for (const container of (spec[list] as { image?: string }[] | undefined) ?? []) {
      const [repository, tag] = (container.image ?? '').split(/:(?=[^/]*$)/);
      const image = images.find((i) => i.name === repository);
      if (image) container.image = `${image.newName ?? repository}:${image.newTag ?? tag ?? 'latest'}`;
    }
  }
  return object;
}

/** Renders the kustomization in `dir`: its resources (files or kustomization folders), patches, images, namespace. */
export function render(dir: string): K8sObject[] {
  const kustomization = readKustomization(dir);
  let objects: K8sObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? render(path) : (readYaml(path) as K8sObject[])));
  }
  for (const entry of kustomization.patches ?? []) objects = applyPatch(objects, entry, dir);
  objects = objects.map((o) => applyImages(structuredClone(o), kustomization.images ?? []));
  if (kustomization.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = kustomization.namespace;
  }
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion.split('/')[0]}/${keyOf(o)}@${o.metadata.namespace ?? ''}`;
    if (seen.has(id)) throw new Error(`${dir}: ${keyOf(o)} is defined twice`);
    seen.add(id);
  }
  // Namespaces first, as kubectl applies them in that order.
  return [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node -r @swc-node/register scripts/deploy/kustomize.ts <kustomization folder>\n');
    process.exit(2);
  }
  process.stdout.write(
    render(resolve(dir))
      .map((o) => stringify(o))
      .join('---\n'),
  );
}
