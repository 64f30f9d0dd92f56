import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyInstance } from 'fastify';
import { jsonShapeProblem } from './json-shape';

/** The deepest a JSON body may nest (objects and arrays); the deepest body of any route here is 3. */
export const MAX_JSON_DEPTH = 32;

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** The charset a content type names, lower-cased; null when it names none. */
function charsetOf(contentType: string | undefined): string | null {
  const match = contentType === undefined ? null : CHARSET.exec(contentType);
  return match ? match[1].toLowerCase() : null;
}

/**
 * The only body parser of the service: JSON, in UTF-8. Every route that takes a body passes
 * through it, so each rule holds for every route and dialect, present and future:
 * - any other media type (form-encoded, text) is a 415, as docs/api.md says; Fusion's curl
 *   bodies are relabelled JSON before parsing (fusion-curl-body.hook.ts);
 * - a charset other than utf-8 is a 415: the bytes are read as UTF-8, so a UTF-16 body would be
 *   misread, not refused;
 * - Fastify's own JSON parser (secure-json-parse: `__proto__` and `constructor.prototype` are
 *   refused) does the parsing, with its messages;
 * - a body nested deeper than MAX_JSON_DEPTH, or naming a key twice, is a 400 before any
 *   validator sees it.
 * Called before Nest registers its own parsers, which `bodyParser: false` turns off.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = checkedJsonParser(fastify);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== null && charset !== 'utf-8') {
      done(new UnsupportedMediaTypeException(`Unsupported charset '${charset}': JSON bodies must be UTF-8`), undefined);
      return;
    }
    parseJson(body.toString(), done); // parseAs 'string': already a string
  });
}

/**
 * The parse every JSON body gets: Fastify's own parser (secure-json-parse, its messages), then the
 * depth and duplicate-key rule. Calls back before it returns.
 */
function checkedJsonParser(fastify: FastifyInstance): (text: string, done: (error: Error | null, value: unknown) => void) => void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (text, done) =>
    // The default parser does not read its request argument.
    parseJson(undefined as never, text, (error, value) => {
      if (error) return done(error, undefined);
      const problem = jsonShapeProblem(text, MAX_JSON_DEPTH);
      if (problem) return done(new BadRequestException(problem), undefined);
      done(null, value);
    });
}

/** What `acceptedJsonOf` returns for a body the parser above refuses. */
export const REFUSED_JSON: unique symbol = Symbol('refused JSON');

/**
 * The body the parser above accepts from `text` (a UTF-8 body labelled plain `application/json`),
 * or REFUSED_JSON where it answers 400. For a route that reads its own bodies (the front door,
 * verify-key.route.ts) and hands the refused ones to Fastify, which then says why.
 */
export function acceptedJsonOf(fastify: FastifyInstance): (text: string) => unknown {
  const parseJson = checkedJsonParser(fastify);
  return (text) => {
    let accepted: unknown = REFUSED_JSON;
    parseJson(text, (error, value) => {
      if (!error) accepted = value;
    });
    return accepted;
  };
}
