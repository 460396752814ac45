// Layering is enforced here, not hoped for: see shared design architecture.md, "Layout".
const nx = require('@nx/eslint-plugin');

const infraPackages = [
  '@nestjs/*',
  'typeorm',
  'kafkajs',
  'pg',
  'pg-*',
  'class-validator',
  'class-transformer',
  '@nestjs/typeorm',
];

/** The dependency rules between tags. Exported so a test can run them against a fixture. */
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:util'] },
  // Platform (infra) imports the kernel and at most envelope types from contracts, never a domain.
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:util', 'type:contracts'] },
  // Deciders are pure: only the decider kit, and none of the I/O frameworks.
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: infraPackages },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: infraPackages },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: [], bannedExternalImports: infraPackages },
  // A domain of one context never imports another context's domain.
  { sourceTag: 'scope:ordering', onlyDependOnLibsWithTags: ['scope:ordering', 'scope:shared'] },
  { sourceTag: 'scope:delivery', onlyDependOnLibsWithTags: ['scope:delivery', 'scope:shared'] },
  { sourceTag: 'scope:cancellations', onlyDependOnLibsWithTags: ['scope:cancellations', 'scope:shared'] },
];

module.exports = [
  { ignores: ['**/node_modules/**', '**/dist/**', '.infra/**', '.nx/**', 'coverage/**', 'bench/results/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], enforceBuildableLibDependency: false, depConstraints }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // prettier keeps code at 120 (.prettierrc.json); past 160 only a long string, URL or pattern may go.
    files: ['**/*.ts', '**/*.js'],
    rules: {
      'max-len': [
        'error',
        { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  {
    // Domain code never reads the clock or makes random ids: time and ids arrive in commands.
    files: ['libs/*/domain/**/*.ts', 'libs/kernel/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time arrives in the command (metadata.now).',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time arrives in the command (metadata.now).',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Ids and randomness arrive in the command.',
        },
        { selector: "CallExpression[callee.name='randomUUID']", message: 'Ids arrive in the command.' },
      ],
    },
  },
  {
    // kafkajs stays behind @orders/messaging, so a client swap touches one library (tests and benchmarks may use it).
    files: ['apps/*/src/**/*.ts', 'libs/*/domain/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kafkajs', message: 'kafkajs stays behind @orders/messaging' }] },
      ],
    },
  },
  {
    // One configuration object, the only reader of the environment (style.md "One dialect"): the service kit's config
    // module reads it, validates the kit's and each service's declared settings, and everything else injects them.
    files: ['apps/*/src/**/*.ts', 'libs/**/src/**/*.ts'],
    ignores: [
      'libs/platform/service-kit/src/config/**',
      'apps/ops-cli/src/ops-cli.config.ts',
      'apps/market-simulator/src/simulator-settings.ts',
      'apps/console/src/config/console-settings.ts',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/testing/**',
      '**/testing.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Declare the variable in the service settings (declareSettings) and inject them; the service kit config reads the environment.',
        },
      ],
    },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
];
module.exports.depConstraints = depConstraints;
