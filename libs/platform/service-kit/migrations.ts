// `@orders/service-kit/migrations`: the migration helper alone, for code that runs outside a Nest shell (the
// projector's maintenance process migrates its read models) and should not load Nest with it.
export * from './src/database/sql-migration';
