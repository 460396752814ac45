// One entry for every test: `npm test` runs the unit and the integration project.
// Unit specs (*.spec.ts) do no I/O; integration specs (*.int-spec.ts) talk to the real
// PostgreSQL and Kafka, which the global setup starts when nothing is running yet.
const swc = JSON.parse(require('node:fs').readFileSync(`${__dirname}/.swcrc.json`, 'utf8'));
delete swc.$schema;

// NestJS 12 and a few of its dependencies ship ESM only. Node 20 can require() them, but jest's module
// system cannot before Node 24.9, so jest compiles exactly those packages to CommonJS.
const esmOnly = ['@nestjs', 'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', '@borewit'];
const esmToCjs = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' }, swcrc: false };

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }], '^.+\\.m?js$': ['@swc/jest', esmToCjs] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.infra/'],
  // The compiled tree (npm run build) repeats every workspace package.json; jest must not see it as modules.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      // *.e2e-spec.ts run the services as processes and cross them through HTTP and Kafka (e2e/).
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.int-spec.ts', '<rootDir>/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/scripts/jest/global-setup.js',
      globalTeardown: '<rootDir>/scripts/jest/global-teardown.js',
      setupFiles: ['reflect-metadata'],
      // Their waits are on conditions (a row, an offset, a message); the timeout only bounds a hung run. A consumer
      // group's join on a loaded 2-core machine can alone outlast jest's 5 s default (CI: stream-consumer, 7.8 s).
      testTimeout: 60_000,
    },
  ],
  // Integration specs share one broker and one server: two workers keep a 2-core machine responsive.
  maxWorkers: 2,
  // A worker keeps every module registry it loaded (Nest, kafkajs, swc output) across the files it runs; recycle one
  // past 1 GB between files instead of letting it run out of heap (a CI run lost a worker that way, on file ~190).
  workerIdleMemoryLimit: '1GB',
};
