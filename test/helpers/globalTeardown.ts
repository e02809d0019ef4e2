import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__TEST_DATABASE__;
  if (!state) return;
  await state.stop();
  globalThis.__TEST_DATABASE__ = undefined;
  fs.rmSync(state.dir, { recursive: true, force: true });
}
