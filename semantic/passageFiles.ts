import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packVectors, unpackVectors, type Vector } from './vectors';

/**
 * Passage vectors kept on disk, one small file per model, way of telling kinds apart, and text,
 * for every process on the machine: a bot that starts on a new database, a test's bot, a script
 * fitting constants, all find the vectors another made instead of asking the model again (the
 * demo content alone costs the embedded model several seconds of CPU). Passages are published
 * content, never citizens' messages. Each file is written beside its place and renamed, so a
 * reader never sees half of one.
 */
export class PassageFiles {
  constructor(
    private readonly dir: string,
    /** Everything besides the text that makes a vector: the model and how the kind was sent. */
    private readonly variant: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  get(text: string): Vector | undefined {
    try {
      const bytes = fs.readFileSync(this.file(text));
      return bytes.byteLength > 0 ? unpackVectors(bytes, bytes.byteLength / 4)[0] : undefined;
    } catch {
      return undefined;
    }
  }

  set(text: string, vector: Vector): void {
    const file = this.file(text);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, packVectors([vector]));
      fs.renameSync(temporary, file);
    } catch {
      // A cache: the vector is made again next time.
      fs.rmSync(temporary, { force: true });
    }
  }

  private file(text: string): string {
    const name = createHash('sha256').update(this.variant).update('\0').update(text).digest('hex');
    return path.join(this.dir, `${name}.f32`);
  }
}
