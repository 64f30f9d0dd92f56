import { ValidationRecord } from '../validation/validation-record';
import { PermissionQuery } from './permission-query';

/** Whether permissions satisfy the query: AND needs every operand, OR one; names match exactly. */
export function permissionQueryMet(query: PermissionQuery, held: ReadonlySet<string>): boolean {
  switch (query.kind) {
    case 'permission':
      return held.has(query.name);
    case 'and':
      return query.operands.every((operand) => permissionQueryMet(operand, held));
    case 'or':
      return query.operands.some((operand) => permissionQueryMet(operand, held));
  }
}

const NONE: ReadonlySet<string> = new Set();
/** Per record object: a cached or in-memory record is the same object on every verify, so its Set is built once. */
const sets = new WeakMap<ValidationRecord, ReadonlySet<string>>();

/** The record's permissions as a Set, made the first time this record object is asked. */
export function permissionSetOf(record: ValidationRecord): ReadonlySet<string> {
  if (!record.permissions || record.permissions.length === 0) return NONE;
  let set = sets.get(record);
  if (!set) {
    set = new Set(record.permissions);
    sets.set(record, set);
  }
  return set;
}
