import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ServiceDefinition } from '../config/service-definition';
import { QUERY_KEY_PARAMETER, QUERY_KEY_SCHEME } from '../auth/api-key.guard';
import { ERROR_DIALECTS, type ErrorDialectRoutes } from '../errors/error-dialect';
import { completeDocument, OPENAPI_SCHEMAS } from './openapi-document';

/** OpenAPI UI at /docs and the document at /docs-json, built on first request. */
export function setupOpenApi(app: INestApplication, service: ServiceDefinition): void {
  const document = new DocumentBuilder()
    .setTitle(service.title)
    .setDescription(service.description)
    .setVersion('1')
    .addBearerAuth({
      type: 'http', scheme: 'bearer',
      description: 'API key as a bearer token; `Authorization: OAuth <key>` is taken alike (Track & Trace clients)',
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Api-Key' }, 'api-key')
    // Only on routes marked @KeyInQuery() (Track & Trace's position push), which list it with the two above.
    .addApiKey(
      { type: 'apiKey', in: 'query', name: QUERY_KEY_PARAMETER, description: 'The key in the URL' },
      QUERY_KEY_SCHEME,
    )
    // Either credential on every route; `@Public()` routes are set to none by completeDocument.
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .build();
  // Routes that mirror a vendor's API document its error body (Market's), as the filter answers them.
  const dialects = (app.get<readonly ErrorDialectRoutes[]>(ERROR_DIALECTS, { strict: false }) ?? []).flatMap((d) =>
    d.documented ? [{ ...d.documented, paths: d.paths }] : [],
  );
  const schemas = app.get<Record<string, Record<string, unknown>>>(OPENAPI_SCHEMAS, { strict: false }) ?? {};
  const create = () =>
    completeDocument(SwaggerModule.createDocument(app, document) as never, dialects, schemas) as never;
  SwaggerModule.setup('docs', app, create, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
