import { RequestOptions, TestApp, TestResponse } from '../test-app';
import { SeedSchema } from '../seeds/seed-schema';

/** One kind of response of a dialect: the seed schema its body must match, or why no schema applies. */
export type ContractRule = {
  /** `METHOD /path/{param}` as served; `{param}` matches one path segment. */
  readonly route: string;
  /** A status, or a class such as `'4xx'`. */
  readonly status: number | `${1 | 2 | 3 | 4 | 5}xx`;
} & ({ readonly schema: SeedSchema } | { readonly noSchema: string });

export type CheckedRequest = (method: string, path: string, options?: RequestOptions) => Promise<TestResponse>;

/**
 * A request function for a dialect's routes that validates every response against the dialect's
 * contract: the schema taken from the seed file for that route and status. A response no rule
 * covers fails the test, so a new route or status cannot go unchecked; a rule with `noSchema`
 * records why a response has nothing to be checked against (the seed is prose, declares no body…).
 */
export function contractClient(t: TestApp, rules: readonly ContractRule[]): CheckedRequest {
  const compiled = rules.map((rule) => {
    const [method, path] = rule.route.split(' ');
    const literals = path.split(/\{[A-Za-z_]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(`^${literals.join('[^/]+')}$`);
    return { rule, method, pattern };
  });
  // The first rule that matches decides: put exact statuses before classes.
  return async (method, path, options) => {
    const response = await t.request(method, path, options);
    const bare = path.split('?')[0];
    const match = compiled.find(
      ({ rule, method: m, pattern }) => m === method && pattern.test(bare) && statusMatches(rule.status, response.status),
    );
    if (match === undefined)
      throw new Error(`No contract rule for ${method} ${bare} ${response.status}: name the seed schema that describes it, or why none does`);
    if ('schema' in match.rule) match.rule.schema.assert(response.body);
    return response;
  };
}

function statusMatches(expected: ContractRule['status'], actual: number): boolean {
  return typeof expected === 'number' ? expected === actual : Math.floor(actual / 100) === Number(expected[0]);
}
