/**
 * The OpenAPI document as test data: its operations, and a validator that checks an answer
 * against the schema the document promises for that operation and status.
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  nullable?: boolean;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: SchemaObject;
}

interface MediaType {
  schema?: SchemaObject;
}

interface OperationObject {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}

export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** As in the document, e.g. `/api/v1/organizations/{id}`. */
  path: string;
  /** `METHOD /path`: the key of tables in tests. */
  key: string;
  parameters: Parameter[];
  body: SchemaObject | null;
  responses: OperationObject['responses'];
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const upper = method.toUpperCase() as Operation['method'];
      operations.push({
        method: upper,
        path,
        key: `${upper} ${path}`,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        responses: op.responses,
      });
    }
  }
  return operations;
}

/** Resolves `$ref`s (one level at a time; schemas here are not recursive). */
export function deref(doc: OpenApiDocument, schema: SchemaObject): SchemaObject {
  let current = schema;
  while (current.$ref) {
    const name = current.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolved ${current.$ref}`);
    current = target;
  }
  if (current.allOf?.length === 1 && current.allOf[0]) return deref(doc, current.allOf[0]);
  return current;
}

/** Checks answers against the document: the status must be declared, the body must match. */
export class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: toJsonSchema(doc.components) as object });
  }

  /** Empty when the answer is what the document promises; else what is wrong. */
  problems(
    op: Operation,
    status: number,
    contentType: string | undefined,
    body: unknown,
  ): string[] {
    const declared = op.responses[String(status)] ?? op.responses.default;
    if (!declared) return [`status ${status} is not documented for ${op.key}`];
    const media = declared.content ? Object.keys(declared.content) : [];
    if (media.length === 0) return [];
    const type = (contentType ?? '').split(';')[0]!.trim();
    const mediaType = declared.content?.[type];
    if (!mediaType) return [`content type ${type} not documented for ${op.key} ${status}`];
    if (!mediaType.schema) return [];
    const validate = this.validator(op.key, status, type, mediaType.schema);
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }

  private validator(key: string, status: number, type: string, schema: SchemaObject) {
    const id = `${key} ${status} ${type}`;
    let validate = this.cache.get(id);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as object);
      this.cache.set(id, validate);
    }
    return validate;
  }
}

/**
 * OpenAPI 3.0 schema to JSON Schema: local `$ref`s point at the registered document, and
 * `nullable: true` becomes "this, or null" (OpenAPI's `nullable` does not extend an `enum`
 * or a `$ref`, while the document means exactly that).
 */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? `openapi${v}` : toJsonSchema(v),
    ]),
  );
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}
