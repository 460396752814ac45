import { runCli } from './cli';
import { processIo } from './output';

// `npm run ops -- <command>`: see cli.ts for the commands and exit codes.
// The CLI has no Nest config module: this entry point is its one read of the environment, passed down from here.
// eslint-disable-next-line no-restricted-properties
runCli(process.argv.slice(2), processIo, process.env).then((code) => process.exit(code));
