// Creates each service's database on the configured PostgreSQL server when missing.
const { Client } = require('pg');
const settings = require('./settings');

async function ensureDatabases(extra = []) {
  const admin = new Client({ connectionString: settings.postgres.adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${settings.postgres.adminUrl} (${error.message}). ` +
      'Start a server (see README, "PostgreSQL") or set POSTGRES_ADMIN_URL and the *_DATABASE_URL variables.');
  }
  try {
    const names = [...Object.values(settings.postgres.databases).map((url) => new URL(url).pathname.slice(1)), ...extra];
    for (const name of new Set(names)) {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) continue;
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        console.log(`[infra] created database ${name}`);
      } catch (error) {
        if (error.code !== '42P04') throw error; // created meanwhile by a parallel run
      }
    }
  } finally {
    await admin.end();
  }
}

module.exports = { ensureDatabases };
