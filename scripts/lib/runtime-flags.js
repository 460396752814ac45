// The V8/Node flags a service runs with, read from the one place that sets them: the image's CMD (Dockerfile,
// `exec node <flags> dist/apps/$APP/main.js`; the k8s manifests run the image's CMD as it is). `npm start` and the
// benches start services with the same flags, so what they measure is what is deployed.
const fs = require('node:fs');
const path = require('node:path');

const DOCKERFILE = path.join(__dirname, '..', '..', 'Dockerfile');
const CMD = /^CMD .*exec node ((?:--[\w-]+(?:=\S+)? )*)dist\/apps\/\$APP\/main\.js/m;

/** The flags between `node` and the entry in the Dockerfile's CMD (none when it names none). */
function serviceNodeFlags(dockerfile = fs.readFileSync(DOCKERFILE, 'utf8')) {
  const match = CMD.exec(dockerfile);
  if (!match) throw new Error(`${DOCKERFILE}: no CMD of the form "exec node [flags] dist/apps/$APP/main.js"`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}

module.exports = { serviceNodeFlags };
