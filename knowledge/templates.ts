import fs from 'node:fs/promises';
import path from 'node:path';
import type { ContentFile } from './contentSchema';
import { validateContent } from './contentSchema';

export interface CrisisTemplate {
  id: string;
  content: ContentFile;
}

/** Where the shipped templates are, below the project's root. */
export function templatesDir(root: string): string {
  return path.join(root, 'content', 'templates');
}

/**
 * The generic crisis templates shipped in `content/templates/` (one content file each): the
 * starting content an authority picks at activation. An invalid template stops start-up.
 */
export async function loadTemplates(dir: string): Promise<Map<string, CrisisTemplate>> {
  const files = (await fs.readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  const templates = new Map<string, CrisisTemplate>();
  for (const file of files) {
    const result = validateContent(JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')));
    if (!result.ok) throw new Error(`template ${file} invalid: ${result.problems.join('; ')}`);
    const id = path.basename(file, '.json');
    templates.set(id, { id, content: result.content });
  }
  return templates;
}
