// Validation of rendered objects without a cluster: built-in kinds and the CloudNativePG, KEDA and
// prometheus-operator resources through kubernetes-models (their OpenAPI schemas, compiled), Strimzi's through the
// minimal schemas below: the only Strimzi models on npm are ESM-only, which jest cannot load on Node 20.
import Ajv, { type ValidateFunction } from 'ajv';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PodMonitor, PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './kustomize';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'postgresql.cnpg.io/v1/Cluster': Cluster,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

const NAME = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 };
const QUANTITY = { type: ['string', 'number'], pattern: '^[0-9.]+(m|Ki|Mi|Gi|Ti)?$' };
const RESOURCES = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: { type: 'object', propertyNames: { enum: ['cpu', 'memory'] }, additionalProperties: QUANTITY },
    limits: { type: 'object', propertyNames: { enum: ['cpu', 'memory'] }, additionalProperties: QUANTITY },
  },
};
const clusterLabelled = {
  type: 'object',
  required: ['name', 'labels'],
  properties: { name: NAME, namespace: NAME, labels: { type: 'object', required: ['strimzi.io/cluster'] } },
};
const CONFIG = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };

/**
 * The fields of Strimzi's kafka.strimzi.io/v1beta2 CRDs that deploy/k8s uses, closed with additionalProperties:
 * false so a typo fails here rather than in the operator's status. KRaft needs both annotations and no ZooKeeper.
 */
const STRIMZI_SCHEMAS: Record<string, object> = {
  'kafka.strimzi.io/v1beta2/Kafka': {
    type: 'object',
    required: ['metadata', 'spec'],
    properties: {
      metadata: {
        type: 'object',
        required: ['name', 'annotations'],
        properties: {
          name: NAME,
          namespace: NAME,
          annotations: {
            type: 'object',
            required: ['strimzi.io/kraft', 'strimzi.io/node-pools'],
            properties: { 'strimzi.io/kraft': { const: 'enabled' }, 'strimzi.io/node-pools': { const: 'enabled' } },
          },
        },
      },
      spec: {
        type: 'object',
        required: ['kafka'],
        additionalProperties: false,
        properties: {
          kafka: {
            type: 'object',
            required: ['listeners'],
            additionalProperties: false,
            properties: {
              version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
              listeners: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['name', 'port', 'type', 'tls'],
                  additionalProperties: false,
                  // Strimzi reserves 9090, 9091 and 9404 (controllers, replication, metrics); listeners start at 9092.
                  properties: {
                    name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
                    port: { type: 'integer', minimum: 9092, not: { enum: [9404, 9999] } },
                    type: { enum: ['internal', 'cluster-ip', 'route', 'loadbalancer', 'nodeport', 'ingress'] },
                    tls: { type: 'boolean' },
                  },
                },
              },
              config: CONFIG,
            },
          },
          entityOperator: {
            type: 'object',
            additionalProperties: false,
            properties: { topicOperator: { type: 'object' }, userOperator: { type: 'object' } },
          },
          kafkaExporter: {
            type: 'object',
            additionalProperties: false,
            properties: { topicRegex: { type: 'string' }, groupRegex: { type: 'string' } },
          },
        },
      },
    },
  },
  'kafka.strimzi.io/v1beta2/KafkaNodePool': {
    type: 'object',
    required: ['metadata', 'spec'],
    properties: {
      metadata: clusterLabelled,
      spec: {
        type: 'object',
        required: ['replicas', 'roles', 'storage'],
        additionalProperties: false,
        properties: {
          replicas: { type: 'integer', minimum: 1 },
          roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['controller', 'broker'] } },
          storage: {
            type: 'object',
            required: ['type'],
            additionalProperties: false,
            properties: {
              type: { enum: ['jbod', 'persistent-claim', 'ephemeral'] },
              volumes: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['id', 'type'],
                  additionalProperties: false,
                  properties: {
                    id: { type: 'integer', minimum: 0 },
                    type: { enum: ['persistent-claim', 'ephemeral'] },
                    size: QUANTITY,
                    deleteClaim: { type: 'boolean' },
                    kraftMetadata: { const: 'shared' },
                    class: { type: 'string' },
                  },
                },
              },
            },
          },
          resources: RESOURCES,
        },
      },
    },
  },
  'kafka.strimzi.io/v1beta2/KafkaTopic': {
    type: 'object',
    required: ['metadata', 'spec'],
    properties: {
      metadata: clusterLabelled,
      spec: {
        type: 'object',
        required: ['partitions'],
        additionalProperties: false,
        properties: {
          topicName: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
          partitions: { type: 'integer', minimum: 1 },
          replicas: { type: 'integer', minimum: 1 },
          config: CONFIG,
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });
const strimzi: Record<string, ValidateFunction> = Object.fromEntries(
  Object.entries(STRIMZI_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]),
);

export const typeOf = (o: K8sObject): string => `${o.apiVersion}/${o.kind}`;

/** The problems of one object against its schema; an unknown type is a problem too (nothing passes unchecked). */
export function schemaProblems(o: K8sObject): string[] {
  const where = `${o.kind}/${o.metadata?.name}`;
  const type = typeOf(o);
  const model = MODELS[type];
  if (model) {
    try {
      new model(o as never).validate();
      return [];
    } catch (error) {
      return [`${where}: ${(error as Error).message}`];
    }
  }
  const validate = strimzi[type];
  if (!validate) return [`${where}: no schema for ${type}`];
  return validate(o) ? [] : (validate.errors ?? []).map((e) => `${where}: ${e.instancePath} ${e.message}`);
}
