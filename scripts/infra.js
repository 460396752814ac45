#!/usr/bin/env node
// npm run infra:up | infra:down | infra:status
const broker = require('./lib/kafka-broker');
const { ensureDatabases } = require('./lib/postgres');

async function main(command) {
  switch (command) {
    case 'up':
      await ensureDatabases();
      await broker.up();
      return;
    case 'down':
      await broker.down();
      return;
    case 'status':
      console.log(JSON.stringify(await broker.status(), null, 2));
      return;
    default:
      throw new Error(`usage: node scripts/infra.js up|down|status (got ${command})`);
  }
}

main(process.argv[2]).catch((error) => {
  console.error(`[infra] ${error.message}`);
  process.exit(1);
});
