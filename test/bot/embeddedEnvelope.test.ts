import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnBot, type BotProcess } from '../helpers/bot';
import { freePort } from '../helpers/db';

describe('the embedded database in production', () => {
  let bot: BotProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-envelope-'));
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs at start-up, as a warning, how far it was measured to go and when to move to MongoDB', async () => {
    bot = await spawnBot(
      {
        NODE_ENV: 'production',
        MONGODB_URI: '',
        DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(await freePort()),
        D2_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ADMIN_PASSWORD: 'a long enough password',
      },
      60_000,
    );
    const warning = bot
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; envelope?: unknown })
      .find((entry) => entry.envelope);

    expect(warning).toMatchObject({ level: 40, envelope: { storedConversations: 20_000, pacedP95Ms: 47 } });
    expect(warning!.msg).toMatch(/set MONGODB_URI/);
  }, 90_000);
});
