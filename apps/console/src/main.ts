import 'reflect-metadata';
import { createConsoleApp, listenConsole } from './console-app';

createConsoleApp()
  .then(async (app) => console.log(`console listening on ${await listenConsole(app)}`))
  .catch((error: Error) => {
    process.stderr.write(`${error.name === 'ConfigValidationError' ? error.message : error.stack}\n`);
    process.exit(1);
  });
