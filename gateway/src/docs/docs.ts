/**
 * The OpenAPI document at /api/docs-json and Swagger UI at /api/docs.
 *
 * @nestjs/swagger serves the UI's files through @fastify/static, which this workspace does not
 * install (and loading it when missing exits the process). The UI is a handful of files from
 * swagger-ui-dist (a dependency of @nestjs/swagger), so they are served here from an explicit
 * list, read once, with no network needed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDto } from '../common/problem';
import type { FastifyInstance } from 'fastify';

export const DOCS_PATH = '/api/docs';
export const DOCS_JSON_PATH = '/api/docs-json';

const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INITIALIZER = `window.onload = () => {
  window.ui = SwaggerUIBundle({
    url: '${DOCS_JSON_PATH}',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Spilno API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
    <script src="${DOCS_PATH}/swagger-initializer.js"></script>
  </body>
</html>
`;

/** Answers any route may give, whatever it does. */
const PROBLEMS_ON_EVERY_ROUTE: [number, string][] = [
  [429, 'Rate limited; `Retry-After` says when to try again'],
  [500, 'A bug; the problem carries an `errorId` to quote'],
  [503, 'A dependency is down or slow; `Retry-After` set'],
];

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const problem = {
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
  };
  const config = new DocumentBuilder()
    .setTitle('Spilno API')
    .setDescription(
      'Co-production volunteer marketplace. Errors are RFC 9457 problem details ' +
        '(application/problem+json); every response carries X-Request-Id.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addGlobalResponse(
      ...PROBLEMS_ON_EVERY_ROUTE.map(([status, description]) => ({
        status,
        description,
        ...problem,
      })),
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
  completeProblemResponses(document, problem);
  return document;
}

type ResponseObject = NonNullable<OpenAPIObject['paths'][string]['get']>['responses'][string];

/**
 * Answers that follow from a route's shape rather than its logic, added where the route does
 * not describe them itself: anything with a body or parameters can be invalid (400); a body
 * can be too large (413) or not JSON (415); an id in the path can name nothing visible (404);
 * and a bad bearer token is refused on every API route, public ones included (401).
 */
function completeProblemResponses(document: OpenAPIObject, problem: object): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as { in?: string }[];
      const implied: [boolean, number, string][] = [
        [path.startsWith('/api/v1/'), 401, 'The access token is invalid or expired'],
        [
          operation.requestBody !== undefined || parameters.length > 0,
          400,
          'Invalid input; `errors` lists each field',
        ],
        [parameters.some((p) => p.in === 'path'), 404, 'Absent, or not visible to the caller'],
        [operation.requestBody !== undefined, 413, 'The body is over the size limit (1 MiB)'],
        [operation.requestBody !== undefined, 415, 'The body is not application/json (UTF-8)'],
      ];
      for (const [applies, status, description] of implied) {
        if (applies && !operation.responses[status]) {
          operation.responses[status] = { description, ...problem } as ResponseObject;
        }
      }
    }
  }
}

export function setupDocs(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: DOCS_JSON_PATH,
  });
  serveSwaggerUi(app.getHttpAdapter().getInstance());
}

function serveSwaggerUi(fastify: FastifyInstance): void {
  const assetsDir = path.dirname(
    require.resolve('swagger-ui-dist/package.json', {
      paths: [path.dirname(require.resolve('@nestjs/swagger'))],
    }),
  );
  const cache = new Map<string, Promise<Buffer>>();
  const load = (file: string) => {
    let content = cache.get(file);
    if (!content) {
      content = readFile(path.join(assetsDir, file));
      cache.set(file, content);
    }
    return content;
  };

  fastify.get(DOCS_PATH, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
  fastify.get(`${DOCS_PATH}/swagger-initializer.js`, async (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(INITIALIZER),
  );
  for (const [file, type] of Object.entries(UI_FILES)) {
    fastify.get(`${DOCS_PATH}/${file}`, async (_request, reply) =>
      reply
        .type(type)
        .header('Cache-Control', 'public, max-age=86400')
        .send(await load(file)),
    );
  }
}
