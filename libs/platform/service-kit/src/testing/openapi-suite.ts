import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { operationsOf } from '../http/openapi-document';
import { DocumentedAnswers } from './openapi-answers';
import { openApiGaps, securityMismatches, servedDocument } from './openapi-completeness';

/** A running service whose served OpenAPI document is checked, and a way to send it real requests. */
export interface OpenApiTarget {
  readonly server: Server;
  /** Values for the path templates the security probe calls (an existing order, say); others get a placeholder. */
  readonly pathValues?: Readonly<Record<string, string>>;
  /** The error body schemas a route may answer with, by path template (a vendor façade's), else the envelope. */
  readonly errorSchemas?: (path: string) => readonly string[];
  /** Sends real requests (happy paths and refusals) and holds each answer against the document: `answers.check`. */
  readonly exercise: (answers: DocumentedAnswers) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots a service and checks the OpenAPI document it serves at /docs-json: every operation complete (summary,
 * operationId, typed parameters, a success answer with schema and example, error answers in the envelope or the
 * route's vendor body, security), the documented security the guard's, and real answers matching their schemas.
 */
export function describeOpenApiCompleteness(name: string, start: () => Promise<OpenApiTarget>): void {
  describe(`${name}: the served OpenAPI document`, () => {
    let target: OpenApiTarget | undefined;
    let document: Record<string, unknown> = {};
    const started = (): OpenApiTarget => {
      if (!target) throw new Error(`${name} did not start`);
      return target;
    };

    beforeAll(async () => {
      target = await start();
      document = await servedDocument(target.server);
      // OPENAPI_DUMP_DIR=/tmp/x keeps each service's served document, to read while fixing the gaps.
      const dump = process.env.OPENAPI_DUMP_DIR;
      if (dump) writeFileSync(join(dump, `${name}.json`), JSON.stringify(document, null, 2));
    }, 90_000);
    afterAll(async () => target?.close());

    it('documents every operation completely', () => {
      const gaps = openApiGaps(document, { errorSchemas: started().errorSchemas });
      const lines = gaps.map((g) => `${g.where}: ${g.gap}`);
      process.stdout.write(`${name}: ${operationsOf(document).length} operations, ${gaps.length} OpenAPI gaps\n`);
      expect(lines).toEqual([]);
    });

    it('says public only of the routes the guard lets through without credentials', async () => {
      const { server, pathValues } = started();
      const mismatches = await securityMismatches(server, document, pathValues);
      expect(mismatches.map((m) => `${m.where}: ${m.gap}`)).toEqual([]);
    }, 60_000);

    it('answers real requests as the document says', async () => {
      const answers = new DocumentedAnswers(document);
      await started().exercise(answers);
      process.stdout.write(`${name}: ${answers.checked} real answers held against the document\n`);
      expect(answers.problems).toEqual([]);
      expect(answers.checked).toBeGreaterThan(0);
    }, 60_000);
  });
}
