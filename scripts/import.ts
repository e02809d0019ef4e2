/**
 * `npm run import -- FILE`: validates a crisis content file and publishes it as the live content
 * of its (active) crisis. An invalid file is reported problem by problem, by JSON path, and
 * nothing is written — the file is checked before any database is even started.
 */
import 'dotenv/config';
import path from 'node:path';
import { loadConfig } from '../bot/config';
import { createLogger } from '../bot/logger';
import { projectRoot } from '../bot/paths';
import { ContentFileError, publishContent, readContentFile, validateContent } from '../knowledge';
import { connectDatabase, disconnectDatabase, startEmbeddedDb } from '../embedded';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run import -- FILE');
    return 2;
  }
  const result = validateContent(await readContentFile(path.resolve(file)));
  if (!result.ok) {
    console.error(`${file}: invalid, nothing imported (${result.problems.length} problems)`);
    for (const problem of result.problems) console.error(`  ${problem}`);
    return 1;
  }
  for (const warning of result.warnings) console.warn(`  warning: ${warning}`);

  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const embedded = config.MONGODB_URI
    ? undefined
    : await startEmbeddedDb({
        dataDir: path.resolve(projectRoot(), config.DATA_DIR),
        port: config.EMBEDDED_DB_PORT,
        logger,
        rootDir: projectRoot(),
      });
  try {
    await connectDatabase(config.MONGODB_URI ?? embedded!.uri, logger);
    const { slug, version, created } = await publishContent(result.content, {
      note: `imported from ${path.basename(file)}`,
      createdBy: 'cli',
    });
    console.log(`${slug}: version ${version} is live${created ? ' (new crisis)' : ''}`);
    return 0;
  } finally {
    await disconnectDatabase();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ContentFileError ? error.message : error);
    process.exit(1);
  },
);
