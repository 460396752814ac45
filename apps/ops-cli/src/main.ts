import { runCli } from './cli';
import { readOpsEnvironment } from './ops-cli.config';
import { processIo } from './output';

// `npm run ops -- <command>`: see cli.ts for the commands and exit codes.
// The environment is read once, by ops-cli.config.ts, and passed down from here.
// Exiting waits for stdout and stderr to flush: into a pipe, writes are asynchronous, and process.exit right after a
// large --json document cut it at 64 KiB.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
runCli(process.argv.slice(2), processIo, readOpsEnvironment()).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
