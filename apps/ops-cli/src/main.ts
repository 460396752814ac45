import { runCli } from './cli';
import { processIo } from './output';

// `npm run ops -- <command>`: see cli.ts for the commands and exit codes.
runCli(process.argv.slice(2), processIo).then((code) => process.exit(code));
