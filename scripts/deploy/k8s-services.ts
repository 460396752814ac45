// What deploy/k8s must agree with, taken from the code rather than copied: each service's manifest, the settings
// declarations its app module passes to ServiceKitModule.forRoot, and the consumer groups it joins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsDeclaration } from '@orders/service-kit';
import { intakeSettings } from '../../apps/intake/src/config/intake-settings';
import { IntakeTopics } from '../../apps/intake/src/publishing/intake-topics';
import { courierTopicSettings } from '../../apps/courier-tracking/src/courier-tracking.config';
import { CourierTopics } from '../../apps/courier-tracking/src/publishing/courier-topics';
import { cancellationSettings } from '../../apps/marketplace-cancellations/src/marketplace-cancellations.config';
import { MarketplaceTopics } from '../../apps/marketplace-cancellations/src/publishing/marketplace-topics';
import { projectorSettings } from '../../apps/projector/src/settings';
import { root, serviceManifests } from './service-manifests';
import type { K8sObject } from './kustomize';

export interface DeployedService {
  readonly name: string;
  /** The exported names of the declarations, as app.module.ts must mention them. */
  readonly settings: Record<string, SettingsDeclaration>;
  /** Consumer groups with no topic prefix, as in production. */
  readonly consumerGroups: readonly string[];
  /** Whether the service keeps a personal-data vault (it needs PII_MASTER_KEY). */
  readonly vault: boolean;
}

const projectorGroup = projectorSettings.build({ ...projectorSettings.defaults } as never).groupId;
const courier = new CourierTopics('');

export const DEPLOYED: readonly DeployedService[] = [
  { name: 'intake', settings: { intakeSettings }, consumerGroups: [new IntakeTopics('').consumerGroup], vault: true },
  { name: 'courier-tracking', settings: { courierTopicSettings }, consumerGroups: [courier.policyGroup, courier.positionsGroup], vault: true },
  { name: 'marketplace-cancellations', settings: { cancellationSettings }, consumerGroups: [new MarketplaceTopics('').consumerGroup], vault: false },
  { name: 'projector', settings: { projectorSettings }, consumerGroups: [projectorGroup], vault: false },
];

export const manifests = serviceManifests().filter((m) => DEPLOYED.some((d) => d.name === m.name));

export const appModuleSource = (dir: string): string => readFileSync(join(root, 'apps', dir, 'src', 'app.module.ts'), 'utf8');

export const find = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

export interface Container {
  name: string; image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: { name: string; emptyDir?: object }[];
}

export const podSpecOf = (deployment: K8sObject): PodSpec => (deployment.spec as { template: { spec: PodSpec } }).template.spec;
export const podLabelsOf = (deployment: K8sObject): Record<string, string> =>
  (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A label selector as the API server reads it: matchLabels and the Exists / In expressions deploy/k8s uses. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const { matchLabels = {}, matchExpressions = [] } = selector;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v) && matchExpressions.every((e) => {
    if (e.operator === 'Exists') return e.key in labels;
    if (e.operator === 'In') return (e.values ?? []).includes(labels[e.key]);
    throw new Error(`selector operator ${e.operator} is not understood here`);
  });
}
