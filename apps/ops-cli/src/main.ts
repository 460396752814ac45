import { runCli } from './cli';
import { processIo } from './output';

// `npm run ops -- <command>`: see cli.ts for the commands and exit codes.
// The CLI has no Nest config module: this entry point is its one read of the environment, passed down from here.
// Exiting waits for stdout and stderr to flush: into a pipe, writes are asynchronous, and process.exit right after a
// large --json document cut it at 64 KiB.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
// eslint-disable-next-line no-restricted-properties
runCli(process.argv.slice(2), processIo, process.env).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
