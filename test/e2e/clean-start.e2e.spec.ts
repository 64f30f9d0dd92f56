import { startTestApp } from '../support/test-app';

/**
 * A start that prints a deprecation warning trains operators to ignore the log. Jest gives each
 * test file a copy of `process` whose 'warning' listeners the real process never calls, so the
 * warnings are caught where every library raises them: process.emitWarning.
 */
describe('Starting the service', () => {
  it('emits no process warning', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const svc = await startTestApp();
      expect((await svc.request('GET', '/health')).status).toBe(200);
      await svc.close();
      expect(emitWarning.mock.calls.map((args) => args.map(String).join(' '))).toEqual([]);
    } finally {
      emitWarning.mockRestore();
    }
  });
});
