import { BadRequestException, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import Ajv from 'ajv';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { KeyVerifier, PermissionQueryCache, VerifyCode } from '@key-service/verifier';
import { BodyValidationPipe } from '../../errors/body-validation.pipe';
import { sendError } from '../../errors/http-error.filter';
import { unsafeTextProblem } from '../../input/unsafe-text';
import { KeyServiceMetrics } from '../../metrics/key-service.metrics';
import { verifyAccessOf } from './verify-access.request';
import { VerifyKeyRequestDto } from './verify-key.request.dto';
import { VERIFY_BODY_SCHEMA, VERIFY_RESPONSE_SCHEMA } from './verify-key.schema';

export const VERIFY_PATH = '/v1/keys/verify';

/**
 * Fastify's defaults coerce types (`{key: 5}` would become "5") and strip unknown fields; the
 * verify body must be refused for those exactly as every other route refuses them.
 */
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false });

/**
 * POST /v1/keys/verify as a plain Fastify route, not a Nest controller: Nest's per-request
 * pipeline (guards, interceptors, class-transformer and class-validator on the body, the
 * exception zone) cost as much as the verify itself, so a malformed key was no faster than a
 * valid one. Here ajv checks the body with a compiled function and fast-json-stringify writes the
 * answer. Only a body ajv refuses goes through the same BodyValidationPipe as every other route,
 * so the 400 says exactly what it always said, and the DTO stays the authority: a body the pipe
 * accepts is verified even if ajv was stricter.
 */
@Injectable()
export class VerifyKeyRoute implements OnModuleInit {
  private readonly pipe = new BodyValidationPipe();
  /** Permission queries by their text, each parsed once (bounded). */
  private readonly queries = new PermissionQueryCache();
  /** The histogram's child per answer code, taken once (a label object per verify was hashed per verify). */
  private readonly durations = new Map<VerifyCode, { observe(seconds: number): void }>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: KeyVerifier,
    private readonly metrics: KeyServiceMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({
      method: 'POST',
      url: VERIFY_PATH,
      schema: { body: VERIFY_BODY_SCHEMA, response: { 200: VERIFY_RESPONSE_SCHEMA } },
      validatorCompiler: ({ schema }) => ajv.compile(schema),
      attachValidation: true,
      handler: (request, reply) => this.handle(request, reply),
    });
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      // Not a Nest route: the global TextSafetyPipe does not see this body, so check it here.
      const unsafe = unsafeTextProblem(request.body);
      if (unsafe !== null) throw new BadRequestException(unsafe);
      const body = request.validationError ? await this.judge(request.body) : (request.body as VerifyKeyRequestDto);
      const access = verifyAccessOf(body, this.queries);
      const started = performance.now();
      // Awaited only when there is something to wait for (a read, a limit check).
      const eager = this.verifier.verifyEagerly(body.key, body.roles ?? undefined, access);
      const result = eager instanceof Promise ? await eager : eager;
      this.durationOf(result.code).observe((performance.now() - started) / 1000);
      // An unknown secret belongs to no key's analytics: it is counted per instance only.
      if (result.code === 'NOT_FOUND') this.metrics.verifyUnknown.inc();
      // Not awaited: awaiting a reply waits for it to be written, which send has already done.
      reply.code(200).send(result);
    } catch (error) {
      await sendError(reply, error);
    }
  }

  private durationOf(code: VerifyCode): { observe(seconds: number): void } {
    let child = this.durations.get(code);
    if (!child) {
      child = this.metrics.verifyDuration.labels({ code });
      this.durations.set(code, child);
    }
    return child;
  }

  /** Throws the same 400 any other route gives for this body; returns it when the DTO accepts it after all. */
  private async judge(body: unknown): Promise<VerifyKeyRequestDto> {
    return (await this.pipe.transform(body, { type: 'body', metatype: VerifyKeyRequestDto })) as VerifyKeyRequestDto;
  }
}

/** Puts the route into the OpenAPI document, which only sees Nest controllers. */
export function documentVerifyRoute(document: OpenAPIObject): void {
  document.paths[VERIFY_PATH] = {
    post: {
      operationId: 'verifyKey',
      summary: 'Is this key valid? Every well-formed request gets 200, the answer in `valid` and `code`; a malformed one 400, 413 or 415',
      tags: ['verify'],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/VerifyKeyRequestDto' } } },
      },
      responses: {
        200: { description: 'The answer', content: { 'application/json': { schema: { $ref: '#/components/schemas/VerifyKeyResponseDto' } } } },
        400: {
          description:
            'The body is not a verify request (or not JSON); the message says which rule it broke: e.g. `ip must be an IPv4 address (four decimal parts) or an IPv6 address`, ' +
            '`permissions: unexpected ")" at position 29: expected "AND", "OR" or the end of the query`',
        },
        413: { description: 'The body is larger than BODY_LIMIT_BYTES' },
        415: { description: 'The body is not JSON: send content-type application/json' },
        503: { description: 'Nothing can decide right now (Redis and the PostgreSQL copy both unreachable); never VALID' },
      },
    },
  };
}
