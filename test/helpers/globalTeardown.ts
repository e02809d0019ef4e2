import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__TEST_SERVICES__;
  if (!state) return;
  await state.stop();
  globalThis.__TEST_SERVICES__ = undefined;
  if (state.dir) fs.rmSync(state.dir, { recursive: true, force: true });
}
