/** A UUID in its canonical text form, any case: what OpenAPI's `format: uuid` accepts (ajv-formats' definition). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
