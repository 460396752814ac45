export const root: string;
export const kafka: { version: string; port: number; controllerPort: number; brokers: string; jarsDir: string; dir: string };
export const postgres: { adminUrl: string; url(database: string): string; databases: Record<string, string> };
