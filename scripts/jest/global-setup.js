// Integration specs need the real stack: reuse what runs, start what does not.
const broker = require('../lib/kafka-broker');
const { ensureDatabases } = require('../lib/postgres');

module.exports = async () => {
  await ensureDatabases();
  // Remember whether this run started the broker so teardown stops only what it started.
  globalThis.__ORDERS_STARTED_BROKER__ = await broker.up();
};
