import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { IntakeCipher } from '../handoff';

const DEV_KEY_FILE = '.d2-dev-key';

/**
 * The key that encrypts victim-inquiry data and conversation state. Outside production a missing
 * key is generated once and kept beside the embedded database (so restarts can still read the
 * state), with a loud warning; production refuses to start without one (see config).
 */
export function loadD2Cipher(configured: string | undefined, dataDir: string, logger: Logger): IntakeCipher {
  if (configured) return IntakeCipher.fromText(configured);
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, IntakeCipher.generateKey(), { mode: 0o600 });
  }
  logger.warn(
    { file },
    'D2_ENCRYPTION_KEY is not set: using a generated DEVELOPMENT key. Victim inquiry data is protected only ' +
      'as well as this file. Set D2_ENCRYPTION_KEY (32 random bytes, base64) before any real use.',
  );
  return IntakeCipher.fromText(fs.readFileSync(file, 'utf8').trim());
}
