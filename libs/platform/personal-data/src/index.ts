export { DEFAULT_PERSONAL_DATA_SCHEMA, PersonalDataErased, PersonalDataVault } from './personal-data-vault';
export type { PersonalDataVaultOptions } from './personal-data-vault';
export { personalDataSchemaMigration } from './migrations/001-personal-data-schema';
export type { OpenedSubject } from './personal-data-vault';
export { isValueToken } from './value-token';
