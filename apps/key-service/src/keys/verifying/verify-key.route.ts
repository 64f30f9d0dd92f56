import { BadRequestException, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import Ajv from 'ajv';
import fastJsonStringify, { Schema as SerializerSchema } from 'fast-json-stringify';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { KeyVerifier, PermissionQueryCache, VerifyAccess, VerifyCode, VerifyResult } from '@key-service/verifier';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { BodyValidationPipe } from '../../errors/body-validation.pipe';
import { sendError, sendRawError } from '../../errors/http-error.filter';
import { FrontDoor, handOverRead, replayedBody, sendRawJson } from '../../http/front-door';
import { acceptedJsonOf, REFUSED_JSON } from '../../input/json-body.parser';
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
/** The body check, compiled once for the front door and the Fastify route alike. */
const validateBody = ajv.compile(VERIFY_BODY_SCHEMA);
/** The 200 answer's writer, for the front door and (serializerCompiler) Fastify's route alike: one output. */
// The cast only drops `as const`'s readonly arrays, which fast-json-stringify's types do not take.
const serializeAnswer = fastJsonStringify(VERIFY_RESPONSE_SCHEMA as unknown as SerializerSchema);

/**
 * POST /v1/keys/verify as a plain Fastify route, not a Nest controller: Nest's per-request
 * pipeline (guards, interceptors, class-transformer and class-validator on the body, the
 * exception zone) cost as much as the verify itself, so a malformed key was no faster than a
 * valid one. Here ajv checks the body with a compiled function and fast-json-stringify writes the
 * answer. Only a body ajv refuses goes through the same BodyValidationPipe as every other route,
 * so the 400 says exactly what it always said, and the DTO stays the authority: a body the pipe
 * accepts is verified even if ajv was stricter.
 *
 * The plain requests (content-type exactly `application/json` or `application/json; charset=utf-8`,
 * a content-length within BODY_LIMIT_BYTES, the URL without a query string) are answered at the
 * front door, before Fastify (http/front-door.ts), once their body passed every check Fastify's
 * route applies: the JSON parser's, ajv's, the text-safety rule and the access context's. Any
 * other request, and any body a check refuses, goes to the Fastify route below, which gives the
 * answer it always gave.
 */
@Injectable()
export class VerifyKeyRoute implements OnModuleInit {
  private readonly pipe = new BodyValidationPipe();
  /** Permission queries by their text, each parsed once (bounded). */
  private readonly queries = new PermissionQueryCache();
  /** The histogram's child per answer code, taken once (a label object per verify was hashed per verify). */
  private readonly durations = new Map<VerifyCode, { observe(seconds: number): void }>();
  private acceptedJson: (text: string) => unknown = () => REFUSED_JSON;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: KeyVerifier,
    private readonly metrics: KeyServiceMetrics,
    private readonly frontDoor: FrontDoor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    this.acceptedJson = acceptedJsonOf(fastify);
    fastify.route({
      method: 'POST',
      url: VERIFY_PATH,
      schema: { body: VERIFY_BODY_SCHEMA, response: { 200: VERIFY_RESPONSE_SCHEMA } },
      validatorCompiler: () => validateBody,
      serializerCompiler: () => serializeAnswer,
      attachValidation: true,
      // A request the front door read and handed over: Fastify reads the same bytes again.
      preParsing: (request, _reply, payload, done) => done(null, replayedBody(request.raw) ?? payload),
      handler: (request, reply) => this.handle(request, reply),
    });
    this.frontDoor.answer('POST', VERIFY_PATH, (request, response, handOver) => this.answerAtFrontDoor(request, response, handOver));
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      // Not a Nest route: the global TextSafetyPipe does not see this body, so check it here.
      const unsafe = unsafeTextProblem(request.body);
      if (unsafe !== null) throw new BadRequestException(unsafe);
      const body = request.validationError ? await this.judge(request.body) : (request.body as VerifyKeyRequestDto);
      const answer = this.verify(body, verifyAccessOf(body, this.queries));
      // Not awaited: awaiting a reply waits for it to be written, which send has already done.
      reply.code(200).send(answer instanceof Promise ? await answer : answer);
    } catch (error) {
      await sendError(reply, error);
    }
  }

  /** Reads a plain request's body and answers it, or hands the request to the Fastify route. */
  private answerAtFrontDoor(request: IncomingMessage, response: ServerResponse, handOver: () => void): void {
    const headers = request.headers;
    const type = headers['content-type'];
    const length = Number(headers['content-length']);
    if (
      (type !== 'application/json' && type !== 'application/json; charset=utf-8') ||
      headers['transfer-encoding'] !== undefined ||
      !(length > 0 && length <= this.config.bodyLimitBytes)
    ) {
      handOver();
      return;
    }
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => {
      try {
        this.answerRead(request, response, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), handOver);
      } catch (error) {
        // No Fastify around to catch it: a throw from an event listener would end the process.
        if (!response.headersSent) sendRawError(response, error);
      }
    });
    // The client left before its body arrived: nobody to answer (Fastify's 400 would go nowhere too).
    request.on('error', () => request.removeListener('data', onData));
  }

  private answerRead(request: IncomingMessage, response: ServerResponse, raw: Buffer, handOver: () => void): void {
    const text = raw.toString();
    // Fastify counts the body's length after decoding it, so bytes that are not UTF-8 (each read as
    // a 3-byte U+FFFD) fail its content-length check: a 400 it gives, and says, itself.
    if (Buffer.byteLength(text) !== raw.length) {
      handOverRead(request, raw, handOver);
      return;
    }
    const body = this.acceptedJson(text);
    if (body === REFUSED_JSON || !validateBody(body) || unsafeTextProblem(body) !== null) {
      handOverRead(request, raw, handOver);
      return;
    }
    let access: VerifyAccess;
    try {
      access = verifyAccessOf(body as VerifyKeyRequestDto, this.queries);
    } catch {
      handOverRead(request, raw, handOver);
      return;
    }
    // From here the request is answered here: the verify counts usage and limits, once.
    let answer: VerifyResult | Promise<VerifyResult>;
    try {
      answer = this.verify(body as VerifyKeyRequestDto, access);
    } catch (error) {
      sendRawError(response, error);
      return;
    }
    if (answer instanceof Promise)
      answer
        .then((result) => sendRawJson(response, 200, serializeAnswer(result)))
        // The verify's refusal (503), or a throw while writing: never an unhandled rejection.
        .catch((error: unknown) => {
          if (!response.headersSent) sendRawError(response, error);
        });
    else sendRawJson(response, 200, serializeAnswer(answer));
  }

  /** The verify of a checked body, timed and counted; a promise only when there is something to wait for (a read, a limit check). */
  private verify(body: VerifyKeyRequestDto, access: VerifyAccess): VerifyResult | Promise<VerifyResult> {
    const started = performance.now();
    const eager = this.verifier.verifyEagerly(body.key, body.roles ?? undefined, access);
    return eager instanceof Promise ? eager.then((result) => this.counted(result, started)) : this.counted(eager, started);
  }

  private counted(result: VerifyResult, started: number): VerifyResult {
    this.durationOf(result.code).observe((performance.now() - started) / 1000);
    // An unknown secret belongs to no key's analytics: it is counted per instance only.
    if (result.code === 'NOT_FOUND') this.metrics.verifyUnknown.inc();
    return result;
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
