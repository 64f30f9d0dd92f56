import { ApiKey } from '@keys/domain';
import { AppendAlongside } from '@keys/event-store';
import { detailsOf, KeyCommandPgWriter, RedisKeyValidationStore, validationViewOf } from '@keys/projections';
import { RedisInvalidationBus } from '@key-service/verifier';
import { RecordedKeyStream } from '../../../../test/support/recorded-key-event.fixtures';
import { DistributedReadModelSync } from './distributed-read-model.sync';

/** The sync over recording fakes; the announcement's confirmation resolves when the test says. */
function syncWithFakes() {
  const calls: string[] = [];
  let confirm: () => void = () => undefined;
  const alongside: AppendAlongside = { select: () => 'rows' };
  const withAppend = jest.fn(() => alongside);
  const pgWriter = { withAppend, write: jest.fn(async () => void calls.push('pg write')) };
  const redisValidation = { upsertView: jest.fn(async () => (calls.push('redis write'), 2)) };
  const bus = {
    announce: jest.fn(() => ({
      channel: 'c',
      message: 'm',
      confirmed: (receivers: number) => new Promise<void>((resolve) => (confirm = () => (calls.push(`confirmed by ${receivers}`), resolve()))),
    })),
    publish: jest.fn(async () => void calls.push('invalidated')),
  };
  const sync = new DistributedReadModelSync({
    pgWriter: pgWriter as unknown as KeyCommandPgWriter,
    redisValidation: redisValidation as unknown as RedisKeyValidationStore,
    bus: bus as unknown as RedisInvalidationBus,
  });
  return { sync, calls, alongside, withAppend, pgWriter, confirm: () => confirm() };
}

describe('DistributedReadModelSync: PostgreSQL rows in the append, Redis after it', () => {
  const stream = new RecordedKeyStream();
  const created = stream.created();
  const revoked = stream.revoked('leaked');
  const before = ApiKey.rehydrate([created]);
  const after = ApiKey.rehydrate([created, revoked]);

  it('hands the append the rows the aggregate gives after the change, with the KeyCreated position from the insert', () => {
    const { sync, alongside, withAppend } = syncWithFakes();
    expect(sync.rowsWithAppend({ events: [revoked], after })).toBe(alongside);
    expect(withAppend).toHaveBeenLastCalledWith(detailsOf(after.state, 2), validationViewOf(after.state, 2), null);
    sync.rowsWithAppend({ events: [created], after: before });
    expect(withAppend).toHaveBeenLastCalledWith(detailsOf(before.state, 1), validationViewOf(before.state, 1), 0);
  });

  it('hands none for usage alone, which only the projector writes', () => {
    const { sync, withAppend } = syncWithFakes();
    const used = stream.used(3, Date.now());
    expect(sync.rowsWithAppend({ events: [used], after })).toBeUndefined();
    expect(withAppend).not.toHaveBeenCalled();
  });

  it('after an append that wrote the rows, writes Redis alone and answers only once every instance confirmed', async () => {
    const { sync, calls, pgWriter, confirm } = syncWithFakes();
    let settled = false;
    const done = sync
      .afterAppend([revoked], { validation: validationViewOf(before.state, 1), events: [] }, detailsOf(after.state, 2), { rowsAppended: true })
      .then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    confirm();
    await done;
    expect(calls).toEqual(['redis write', 'confirmed by 2']);
    expect(pgWriter.write).not.toHaveBeenCalled();
  });

  it('writes the rows itself for an append that did not carry them', async () => {
    const { sync, calls, confirm } = syncWithFakes();
    const done = sync.afterAppend([revoked], { validation: validationViewOf(before.state, 1), events: [] }, detailsOf(after.state, 2));
    await new Promise((resolve) => setImmediate(resolve));
    confirm();
    await done;
    expect(calls.sort()).toEqual(['confirmed by 2', 'pg write', 'redis write']);
  });
});
