import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { AuthorityModel, ContentVersionModel, CrisisModel, isDuplicateKey } from '../models';
import type { ContentFile } from './contentSchema';

/** A content file that cannot be read or is not JSON; the message says where. */
export class ContentFileError extends Error {}

/** Reads a content file as JSON (not yet validated: see `validateContent`). */
export async function readContentFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ContentFileError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new ContentFileError(
      `${file}: not valid JSON: ${describeJsonError(json, (error as Error).message)}`,
    );
  }
}

/** V8 reports a character offset ("at position 1234"); a communicator needs a line and a column. */
function describeJsonError(json: string, message: string): string {
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined || /\(line \d+/.test(message)) return message;
  const before = json.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

export interface PublishOptions {
  note?: string;
  createdBy?: string;
  /** Set at activation only: later publications keep what the crisis is. */
  exercise?: boolean;
}

export interface PublishResult {
  slug: string;
  version: number;
  /** True when this publish created the crisis (its first import). */
  created: boolean;
}

/** Two publishers racing for the same version number: the loser takes the next one. */
const MAX_VERSION_ATTEMPTS = 5;

/**
 * Publishes a validated file as a new immutable version and makes it live. There are no
 * transactions (FerretDB v1), so the writes are ordered: the version first, then the crisis's
 * pointer to it. A failure in between leaves an unreferenced version and the previous one live.
 */
export async function publishContent(
  content: ContentFile,
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const slug = content.crisis.slug;
  const version = await writeVersion(content, opts);
  const created = await pointCrisisAt(content, version, opts.exercise);
  return { slug, version, created };
}

async function writeVersion(content: ContentFile, opts: PublishOptions): Promise<number> {
  const crisisSlug = content.crisis.slug;
  for (let attempt = 1; ; attempt++) {
    const last = await ContentVersionModel.findOne({ crisisSlug }, { version: 1 })
      .sort({ version: -1 })
      .lean();
    const version = (last?.version ?? 0) + 1;
    try {
      await ContentVersionModel.create({
        crisisSlug,
        version,
        content,
        note: opts.note,
        createdBy: opts.createdBy,
      });
      return version;
    } catch (error) {
      // The unique (crisisSlug, version) index turned away a concurrent publisher's number.
      if (!isDuplicateKey(error) || attempt >= MAX_VERSION_ATTEMPTS) throw error;
    }
  }
}

/**
 * Makes `version` live and the crisis active. The filter only matches an older live version, so a
 * slower concurrent publisher never moves the pointer back; for a new slug the upsert creates it.
 */
async function pointCrisisAt(content: ContentFile, version: number, exercise?: boolean): Promise<boolean> {
  const slug = content.crisis.slug;
  try {
    const result = await CrisisModel.updateOne(
      { slug, liveVersion: { $lt: version } },
      {
        $set: {
          status: 'active',
          languages: content.crisis.languages,
          liveVersion: version,
          ...(content.crisis.authority?.nis ? { authorityNis: content.crisis.authority.nis } : {}),
          ...(exercise !== undefined ? { exercise } : {}),
        },
        $unset: { deactivatedAt: 1 },
        $setOnInsert: { activatedAt: new Date() },
      },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  } catch (error) {
    // The upsert tried to insert a second crisis with this slug: a newer version is already live.
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Loads the demo crisis into an empty database, so a newcomer can chat at once. */
export async function seedDemoIfEmpty(content: ContentFile, logger: Logger): Promise<boolean> {
  if ((await CrisisModel.countDocuments({})) > 0) return false;
  // Two processes starting together on an empty database may both seed: that only adds an identical version.
  const { slug, version } = await publishContent(content, { note: 'demo content', createdBy: 'seed' });
  const { authority, languages } = content.crisis;
  if (authority.nis) {
    // The demo's authority joins the registry, so its communicators can be created at once.
    await AuthorityModel.create({ nisCode: authority.nis, name: authority.name, languages }).catch(
      (error: unknown) => {
        // Registered already (by an admin, or by another process seeding at the same moment).
        if (!isDuplicateKey(error)) throw error;
      },
    );
  }
  logger.info({ slug, version }, 'empty database: demo crisis loaded');
  return true;
}
