// Local stack settings, read from the environment with defaults that stay clear of the
// usual servers (9092 is often taken by another Kafka). Services read the same names.
const path = require('node:path');
const os = require('node:os');

const root = path.resolve(__dirname, '..', '..');
const env = process.env;

const kafkaVersion = env.KAFKA_VERSION || '4.1.1';
const kafkaPort = Number(env.KAFKA_PORT || 19092);
const controllerPort = Number(env.KAFKA_CONTROLLER_PORT || 19093);
const stateDir = path.resolve(env.INFRA_STATE_DIR || path.join(root, '.infra'));

const pgHost = env.PGHOST || '127.0.0.1';
const pgPort = Number(env.PGPORT || 5432);
const pgUser = env.PGUSER || 'postgres';
const pgPassword = env.PGPASSWORD || '';
const auth = pgPassword ? `${encodeURIComponent(pgUser)}:${encodeURIComponent(pgPassword)}` : encodeURIComponent(pgUser);
const pgUrl = (database) => `postgres://${auth}@${pgHost}:${pgPort}/${database}`;

module.exports = {
  root,
  kafka: {
    version: kafkaVersion,
    port: kafkaPort,
    controllerPort,
    brokers: env.KAFKA_BROKERS || `127.0.0.1:${kafkaPort}`,
    // Jars are cached per user so fresh clones do not download them again.
    jarsDir: path.resolve(env.KAFKA_JARS_DIR || path.join(os.homedir(), '.cache', 'order-platform', `kafka-${kafkaVersion}`)),
    dir: path.join(stateDir, 'kafka'),
  },
  postgres: {
    adminUrl: env.POSTGRES_ADMIN_URL || pgUrl('postgres'),
    url: pgUrl,
    // One database per service, as the architecture asks.
    databases: {
      INTAKE_DATABASE_URL: env.INTAKE_DATABASE_URL || pgUrl('intake'),
      COURIER_DATABASE_URL: env.COURIER_DATABASE_URL || pgUrl('courier'),
      MARKETPLACE_DATABASE_URL: env.MARKETPLACE_DATABASE_URL || pgUrl('marketplace'),
      READMODELS_DATABASE_URL: env.READMODELS_DATABASE_URL || pgUrl('readmodels'),
    },
  },
};
