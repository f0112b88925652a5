/**
 * The OpenAPI description of the REST admin API, built from the commands' zod schemas and
 * examples (the same ones that validate requests). `npm run docs:openapi` writes it to
 * docs/openapi.json; a test fails when that file is stale.
 */
import { ErrorCodes } from '@parley/protocol';
import { z } from 'zod';
import { SERVER_VERSION } from '../version.ts';
import { ADMIN_COMMANDS } from './commands.ts';

const QUERY = [
  { name: 'sdkappid', required: true, description: 'The app\'s SDKAppID', schema: { type: 'integer' } },
  { name: 'identifier', required: true, description: 'The app admin\'s UserID', schema: { type: 'string' } },
  { name: 'usersig', required: true, description: 'A UserSig of the admin, signed with the app\'s secret key', schema: { type: 'string' } },
  { name: 'random', required: false, description: 'A random uint32 (Tencent\'s clients send one; Parley does not need it)', schema: { type: 'integer' } },
  { name: 'contenttype', required: false, description: 'Always json', schema: { type: 'string', enum: ['json'] } },
];

const ENVELOPE = {
  type: 'object',
  required: ['ActionStatus', 'ErrorCode', 'ErrorInfo'],
  properties: {
    ActionStatus: { type: 'string', enum: ['OK', 'FAIL', 'SomeError'] },
    ErrorCode: { type: 'integer', description: '0 on success; Tencent\'s code otherwise (see docs/rest-api.md)' },
    ErrorInfo: { type: 'string' },
    ErrorName: { type: 'string', description: 'Parley extension: the symbolic error code' },
  },
  additionalProperties: true,
};

function schemaName(name: string): string {
  return name.replace(/(^|[._])([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { Envelope: ENVELOPE };
  for (const cmd of [...ADMIN_COMMANDS.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const [service, command] = cmd.name.split('.') as [string, string];
    const requestName = `${schemaName(cmd.name)}Request`;
    const json = z.toJSONSchema(cmd.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete json.$schema;
    schemas[requestName] = json;
    paths[`/v4/${service}/${command}`] = {
      post: {
        operationId: cmd.name.replace('.', '_'),
        tags: [cmd.extension ? 'parley' : service],
        summary: cmd.summary,
        description: `Invalid fields answer ${ErrorCodes[cmd.invalid].tim} unless listed otherwise in docs/rest-api.md.${cmd.bulk ? ' Rate: half the admin API rate (Tencent: 100/s).' : ''}`,
        parameters: QUERY.map((p) => ({ in: 'query', ...p })),
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${requestName}` }, example: cmd.example.request } } },
        responses: {
          '200': {
            description: 'Always HTTP 200; success or failure is in ActionStatus and ErrorCode.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' }, example: cmd.example.response } },
          },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley REST admin API',
      version: SERVER_VERSION,
      description: 'Tencent Cloud IM compatible REST admin API. Generated from the request schemas; see docs/rest-api.md.',
    },
    paths,
    components: { schemas },
  };
}

/** The exact text of docs/openapi.json. */
export function openApiText(): string {
  return JSON.stringify(buildOpenApi(), null, 2) + '\n';
}
