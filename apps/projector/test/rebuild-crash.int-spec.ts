import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { checksum, SummaryRebuilder, SUMMARY_PROJECTION } from '../src/operations';
import { seedJournal } from './journal-seed';
import { eventually } from './projector-app';
import { createTestReadModel, type TestReadModel } from './read-model-fixture';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..', '..');

describe('a rebuild process killed half-way', () => {
  let model: TestReadModel;

  beforeAll(async () => {
    model = await createTestReadModel('projector_crash');
    await seedJournal(model.db.pool, model.schema, 6000, 500);
  });

  afterAll(async () => {
    await model?.drop();
  });

  it('is resumed from its checkpoint by the next rebuild, to the same checksum as an uninterrupted one', async () => {
    // The reference: an uninterrupted rebuild of the same journal.
    await new SummaryRebuilder(model.db).rebuild({ batchSize: 1000 });
    const reference = await checksum(model.db, SUMMARY_PROJECTION);

    // A real process, killed with SIGKILL once it has committed some batches: nothing gets to clean up.
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/projector/src/operations/main.ts'), 'rebuild',
      JSON.stringify({ connection: model.url, schema: model.schema, batchSize: 5 })],
    { cwd: root, env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const running = await eventually(() => new SummaryRebuilder(model.db).running(), (rows) => (rows[0]?.processed ?? 0) >= 100, 60_000);
    child.kill('SIGKILL');
    await exited;
    expect(running[0]?.processed).toBeLessThan(6000);
    expect(await model.db.activeVersion()).toBe(reference.version);

    const resumed = await new SummaryRebuilder(model.db).rebuild({ batchSize: 1000 });
    expect(resumed).toMatchObject({ resumed: true, interrupted: false, processed: 6000 });
    expect(await checksum(model.db, SUMMARY_PROJECTION)).toEqual({ ...reference, version: resumed.version });
  });
});
