import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, CreateAppOptions } from '../../apps/key-service/src/bootstrap';
import { OpenApiDocument, OpenApiResponseValidator } from './openapi-response.validator';

export const TEST_ROOT_KEY = 'root-key-for-tests-0123456789abcdef';
export const TEST_PEPPER = 'pepper-for-tests-0123456789abcdef';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Calls the service over real HTTP; `key` defaults to the root key, null sends none. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /**
   * Every response is checked against the service's own /docs/json (operation, status, content
   * type, body) and a mismatch fails the test. Only a test that calls a route on purpose absent
   * from the document (an unknown path) may turn that off, and says why.
   */
  undocumented?: 'deliberately-unknown-route';
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  readonly body: any;
}

/**
 * The key service as users run it, listening on a loopback port. Embedded mode by default (PGlite
 * under a fresh DATA_DIR); pass DATABASE_URL etc. in `env` for the distributed mode.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, options: CreateAppOptions = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'key-service-'));
  const app = await createApp(
    {
      ROOT_API_KEY: TEST_ROOT_KEY,
      KEY_PEPPER: TEST_PEPPER,
      LOG_LEVEL: 'silent',
      ...env,
      DATA_DIR: dataDir,
    },
    options,
  );
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('The test app has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let validator: OpenApiResponseValidator | undefined;
  const documentValidator = async (): Promise<OpenApiResponseValidator> => {
    validator ??= new OpenApiResponseValidator((await (await fetch(`${baseUrl}/docs/json`)).json()) as OpenApiDocument);
    return validator;
  };
  return {
    app,
    baseUrl,
    dataDir,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const key = options.key === undefined ? TEST_ROOT_KEY : options.key;
      if (key !== null && !Object.keys(headers).some((h) => ['authorization', 'apikey', 'x-api-key'].includes(h.toLowerCase())))
        headers['x-api-key'] = key;
      let body: string | undefined = options.rawBody;
      if (body === undefined && options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      // The document and its UI describe the API, not themselves.
      const isDocs = /^\/docs(\/|$|\?)/.test(path);
      if (!isDocs && options.undocumented === undefined) {
        const problem = (await documentValidator()).check({
          method,
          url: path,
          status: response.status,
          contentType: response.headers.get('content-type'),
          text,
        });
        if (problem) throw new Error(`The response contradicts /docs/json: ${problem}`);
      }
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close(options = {}) {
      await app.close();
      if (!options.keepData && env.DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
