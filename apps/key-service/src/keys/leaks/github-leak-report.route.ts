import { verify } from 'node:crypto';
import { BadRequestException, Inject, Injectable, NotFoundException, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { Actor } from '@key-service/events';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { sendError } from '../../errors/http-error.filter';
import { MAX_JSON_DEPTH } from '../../input/json-body.parser';
import { jsonShapeProblem } from '../../input/json-shape';
import { unsafeTextProblem } from '../../input/unsafe-text';
import { LeakedKeyReporter, LeakedToken } from './leaked-key.reporter';

export const GITHUB_LEAKS_PATH = '/v1/leaks/github';
/** The actor of the revocations GitHub's reports cause, in the events and the audit trail. */
export const GITHUB_REPORTER: Actor = { type: 'system', id: 'github-secret-scanning' };
/** GitHub sends at most a few hundred matches per request; more is not a report from GitHub. */
export const MAX_GITHUB_MATCHES = 1000;

const KEY_ID_HEADER = 'github-public-key-identifier';
const SIGNATURE_HEADER = 'github-public-key-signature';
const NOT_CONFIGURED = 'GitHub secret scanning is not configured on this service (SECRET_SCANNING_KEYS_FILE)';

interface GithubMatch {
  readonly token: string;
  readonly type: string;
  readonly url: string | null;
  readonly source: string | null;
}

/**
 * POST /v1/leaks/github, GitHub's secret-scanning partner endpoint. A plain Fastify route in its
 * own plugin, whose only content-type parser keeps the body as bytes: the signature covers the
 * exact bytes GitHub sent, so it is checked before anything parses them, and the body is never
 * re-serialised. Once it verifies, the bytes go through the same JSON rules as every other body
 * (UTF-8, Fastify's parser, depth, duplicate names, NUL and control characters).
 */
@Injectable()
export class GithubLeakReportRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly reporter: LeakedKeyReporter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      const parseJson = scope.getDefaultJsonParser('error', 'error');
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: this.config.bodyLimitBytes }, (_request, body, done) => done(null, body));
      scope.route({
        method: 'POST',
        url: GITHUB_LEAKS_PATH,
        handler: async (request, reply) => {
          try {
            const raw = this.authenticRaw(request);
            const body = await parseBody(raw, (text) => new Promise((resolve, reject) => parseJson(request, text, (error, value) => (error ? reject(error) : resolve(value)))));
            const matches = githubMatches(body);
            const leaks: LeakedToken[] = matches.map((m) => ({ token: m.token, leak: { url: m.url, source: m.source } }));
            const verdicts = await this.reporter.report(leaks, GITHUB_REPORTER, String(request.id));
            await reply.code(200).send(verdicts.map((v, i) => ({ token_hash: v.tokenHash, token_type: matches[i].type, label: v.label })));
          } catch (error) {
            await sendError(reply, error);
          }
        },
      });
    });
  }

  /** The body's bytes when GitHub signed them with a key of SECRET_SCANNING_KEYS_FILE; 401 otherwise. */
  private authenticRaw(request: FastifyRequest): Buffer {
    const keys = this.config.secretScanningKeys;
    if (keys === null) throw new NotFoundException(NOT_CONFIGURED);
    const keyId = header(request, KEY_ID_HEADER);
    const signature = header(request, SIGNATURE_HEADER);
    if (keyId === null || signature === null) throw new UnauthorizedException('A GitHub secret-scanning report needs the Github-Public-Key-Identifier and Github-Public-Key-Signature headers');
    const key = keys.get(keyId);
    if (key === undefined) throw new UnauthorizedException('Github-Public-Key-Identifier names no key of SECRET_SCANNING_KEYS_FILE');
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let valid = false;
    try {
      valid = verify('sha256', raw, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
    } catch {
      valid = false; // a signature that is not DER at all
    }
    if (!valid) throw new UnauthorizedException('Github-Public-Key-Signature does not verify over this body');
    return raw;
  }
}

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? null : first;
}

async function parseBody(raw: Buffer, parseJson: (text: string) => Promise<unknown>): Promise<unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new BadRequestException('The body is not UTF-8');
  }
  if (text.trim() === '') throw new BadRequestException('The body must be a JSON array of {token, type, url, source}');
  const value = await parseJson(text);
  const problem = jsonShapeProblem(text, MAX_JSON_DEPTH) ?? unsafeTextProblem(value);
  if (problem !== null) throw new BadRequestException(problem);
  return value;
}

/** GitHub's report: `[{token, type, url, source}]`; only `token` and `type` are relied upon. */
function githubMatches(body: unknown): GithubMatch[] {
  if (!Array.isArray(body)) throw new BadRequestException('The body must be a JSON array of {token, type, url, source}');
  if (body.length > MAX_GITHUB_MATCHES) throw new BadRequestException(`A report holds at most ${MAX_GITHUB_MATCHES} matches`);
  return body.map((item: unknown, index): GithubMatch => {
    const match = (typeof item === 'object' && item !== null && !Array.isArray(item) ? item : null) as Record<string, unknown> | null;
    if (match === null) throw new BadRequestException(`[${index}] must be an object {token, type, url, source}`);
    const { token, type, url, source } = match;
    if (typeof token !== 'string' || token === '') throw new BadRequestException(`[${index}].token must be a non-empty string`);
    if (typeof type !== 'string') throw new BadRequestException(`[${index}].type must be a string`);
    for (const [name, value] of [['url', url], ['source', source]] as const)
      if (value !== undefined && value !== null && typeof value !== 'string') throw new BadRequestException(`[${index}].${name} must be a string`);
    return { token, type, url: typeof url === 'string' ? url : null, source: typeof source === 'string' ? source : null };
  });
}

/** Puts the route into the OpenAPI document, which only sees Nest controllers. */
export function documentGithubLeakRoute(document: OpenAPIObject): void {
  const error = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
  document.paths[GITHUB_LEAKS_PATH] = {
    post: {
      operationId: 'reportGithubLeaks',
      summary: "GitHub secret scanning's partner endpoint: revokes every live key of the report before answering; signed by GitHub, no management key",
      tags: ['leaks'],
      parameters: [
        { name: 'Github-Public-Key-Identifier', in: 'header', required: true, schema: { type: 'string' }, description: 'A key_identifier of SECRET_SCANNING_KEYS_FILE' },
        { name: 'Github-Public-Key-Signature', in: 'header', required: true, schema: { type: 'string' }, description: 'Base64 DER ECDSA P-256 SHA-256 signature of the raw body' },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'array',
              maxItems: MAX_GITHUB_MATCHES,
              items: {
                type: 'object',
                required: ['token', 'type'],
                properties: { token: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, source: { type: 'string' } },
              },
            },
          },
        },
      },
      responses: {
        200: {
          description: "GitHub's feedback: one entry per match, in order; never the token, only its SHA-256",
          content: {
            'application/json': {
              schema: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['token_hash', 'token_type', 'label'],
                  additionalProperties: false,
                  properties: {
                    token_hash: { type: 'string', description: 'Hex SHA-256 of the token' },
                    token_type: { type: 'string' },
                    label: { type: 'string', enum: ['true_positive', 'false_positive'] },
                  },
                },
              },
            },
          },
        },
        400: { description: 'The signed body is not a report (not JSON, not an array of matches); nothing changed', content: error },
        401: { description: 'Signature headers missing, key identifier unknown, or the signature does not verify over the body; nothing changed', content: error },
        404: { description: 'Not configured: SECRET_SCANNING_KEYS_FILE is not set', content: error },
        413: { description: 'The body is larger than BODY_LIMIT_BYTES', content: error },
        415: { description: 'The body is not JSON: send content-type application/json', content: error },
      },
    },
  };
}
