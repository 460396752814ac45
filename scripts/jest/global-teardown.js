const broker = require('../lib/kafka-broker');

module.exports = async () => {
  if (globalThis.__ORDERS_STARTED_BROKER__) await broker.down();
};
