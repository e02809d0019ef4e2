/**
 * `npm run model`: runs the embedded embeddings model in the foreground (EMBEDDED_MODEL_PORT,
 * EMBEDDED_MODEL_PROCESSES, EMBEDDED_MODEL_THREADS as for the bot), for developers who want to try
 * it with curl or share one model between several `npm start`s. `npm run model -- --setup` only makes its virtualenv (CI).
 */
import 'dotenv/config';
import { loadConfig } from '../bot/config';
import { createLogger } from '../bot/logger';
import { projectRoot } from '../bot/paths';
import { setUpModel, startEmbeddedModels } from '../embedded';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const rootDir = projectRoot();
  if (process.argv.includes('--setup')) {
    logger.info({ venv: await setUpModel({ rootDir, logger }) }, 'embedded model ready to start');
    return;
  }
  const model = await startEmbeddedModels({
    rootDir,
    port: config.EMBEDDED_MODEL_PORT,
    processes: config.EMBEDDED_MODEL_PROCESSES,
    threads: config.EMBEDDED_MODEL_THREADS,
    logger,
  });
  if (model.pids.every((pid) => pid === undefined)) {
    logger.info({ urls: model.urls }, 'embeddings models already answer on these ports; nothing to do');
    return;
  }
  logger.info({ urls: model.urls, model: model.model }, 'embedded model running; Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await model.stop();
  logger.info('embedded model stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
