#!/usr/bin/env node
// Copies the files of Market's official OpenAPI description the platform needs into
// libs/contracts/market/yandex-market-partner-api, unchanged: the entry files listed in its README ("Entry files")
// and every file their `$ref`s reach. Run it with a checkout of yandex-market/yandex-market-partner-api at the commit
// the README names, after adding an entry file there:
//
//   node scripts/deps/vendor-market-openapi.js <path to the checkout>
//
// It prints the files copied; it never deletes, so a file dropped from the closure is removed by hand.
const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const target = path.resolve(__dirname, '..', '..', 'libs', 'contracts', 'market', 'yandex-market-partner-api');
const checkout = process.argv[2];
if (!checkout) {
  console.error('usage: node scripts/deps/vendor-market-openapi.js <checkout of yandex-market-partner-api>');
  process.exit(2);
}

/** The files named in the README section "Entry files" (`openapi/...yaml` in backquotes). */
function entryFiles() {
  const readme = fs.readFileSync(path.join(target, 'README.md'), 'utf8');
  const section = readme.split('## Entry files')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/`(openapi\/[^`]+\.yaml)`/g)].map((match) => match[1]);
}

function refsOf(node, found = []) {
  if (Array.isArray(node)) node.forEach((item) => refsOf(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) found.push(value.split('#')[0]);
      else refsOf(value, found);
    }
  }
  return found;
}

const seen = new Set();
const queue = entryFiles();
while (queue.length > 0) {
  const file = path.posix.normalize(queue.pop());
  if (seen.has(file)) continue;
  seen.add(file);
  const text = fs.readFileSync(path.join(checkout, file), 'utf8');
  for (const ref of refsOf(parse(text))) queue.push(path.posix.join(path.posix.dirname(file), ref));
  fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
  fs.writeFileSync(path.join(target, file), text);
}
fs.copyFileSync(path.join(checkout, 'LICENSE'), path.join(target, 'LICENSE'));
console.log([...seen].sort().join('\n'));
console.log(`${seen.size} files in ${path.relative(process.cwd(), target)}`);
