import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, testModelPort } from '../helpers/db';

const ROOT = path.resolve(__dirname, '..', '..');
const CONTENT = path.join(ROOT, 'test', 'fixtures', 'storm-dev.json');

/** `npm run eval` as a communicator runs it (from the sources here), with the run's embedded model. */
function runEval(
  questionsFile: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'eval.ts'), CONTENT, questionsFile],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        // The embedded model this test run started, found on its port as `npm start` would.
        EMBEDDINGS: 'on',
        EMBEDDINGS_URL: '',
        EMBEDDINGS_MODEL: '',
        EMBEDDED_MODEL_PORT: testModelPort(),
        EVAL_JSON: '1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm run eval', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const questions = (data: unknown) => {
    const file = path.join(dir, `questions-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(data));
    return file;
  };

  it('asks every case over the protocol and prints the figures, overall and per language', async () => {
    const file = questions({
      cases: [
        {
          text: 'Can I go out during the storm?',
          lang: 'en',
          expect: { kind: 'answer', faqId: 'stay-home' },
        },
        {
          text: 'Le courant est coupé, que dois-je faire ?',
          lang: 'fr',
          expect: { kind: 'answer', faqId: 'power-cut' },
        },
        { text: 'mijn zoon is sinds de storm vermist en neemt niet op', lang: 'nl', expect: { kind: 'd2' } },
        { text: 'Ich möchte mit einem Menschen sprechen', lang: 'de', expect: { kind: 'handoff' } },
        // Taken for a possible victim inquiry: the bot asks whether it is about someone affected,
        // offering the entries it may be about instead, the right one among them.
        {
          text: 'my wife grazed her arm on the branches in our street, when is the debris collected?',
          lang: 'en',
          expect: { kind: 'answer', faqId: 'debris-collection' },
          trap: true,
        },
      ],
    });
    const { code, output } = await runEval(file);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/^all +cases +5 \| answered right /m);
    for (const [lang, cases] of [
      ['fr', 1],
      ['nl', 1],
      ['de', 1],
      ['en', 2],
    ])
      expect(output).toMatch(new RegExp(`^${lang} +cases +${cases} \\|`, 'm'));
    type Share = { n: number; of: number };
    const figures = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, Share> & {
      afterOneNo: Record<string, Share>;
    };
    expect(figures.answeredRight).toMatchObject({ n: 2, of: 3 });
    expect(figures.rightOrOffered).toMatchObject({ n: 3, of: 3 });
    expect(output).toMatch(/taken for D2 with the right entry offered beside the yes\/no question 1, /);
    expect(figures.trapsKeptD5).toMatchObject({ n: 0, of: 1 });
    // The citizen's "no" to the yes/no question brings the answer to the question itself.
    expect(output).toMatch(/^after one "no" to the victim-inquiry question: answered right /m);
    expect(figures.afterOneNo.rightOrOffered).toMatchObject({ n: 3, of: 3 });
    expect(figures.afterOneNo.trapsKeptD5).toMatchObject({ n: 1, of: 1 });
    expect(figures.wrong).toMatchObject({ n: 0, of: 3 });
    expect(figures.d2Recall).toMatchObject({ n: 1, of: 1 });
    expect(figures.handoff).toMatchObject({ n: 1, of: 1 });
    expect(figures.noReply).toBe(0);
    expect(output).not.toContain('WARNING');
  }, 300_000);

  it('says so when messages were answered without the model, instead of passing word search off as it', async () => {
    const file = questions({
      cases: [
        {
          text: 'Can I go out during the storm?',
          lang: 'en',
          expect: { kind: 'answer', faqId: 'stay-home' },
        },
        { text: 'Ist der Strom bald wieder da?', lang: 'de', expect: { kind: 'answer', faqId: 'power-cut' } },
      ],
    });
    // An embeddings endpoint nothing answers on: the model is down for the whole run.
    const down = `http://127.0.0.1:${await freePort()}/v1`;
    const { code, output } = await runEval(file, {
      EMBEDDINGS_URL: down,
      EMBEDDINGS_MODEL: 'down-model',
      // Not the two minutes a bot gives a model at start-up before it serves by words alone.
      EMBEDDINGS_START_WAIT_MS: '2000',
    });
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/^all +cases +2 \| answered right /m);
    expect(output).toMatch(/^WARNING: the model did not answer \d+ times while the questions were asked/m);
  }, 300_000);

  it('refuses a file that is not a question set, naming the problem, without starting the bot', async () => {
    const file = questions({
      cases: [{ text: 'is the water safe?', lang: 'sv', expect: { kind: 'answer' } }],
    });
    const { code, output } = await runEval(file);
    expect(code).toBe(2);
    expect(output).toContain(`${file}: not a question set`);
    expect(output).toMatch(/lang/);
    expect(output).not.toContain('bot ready');
  }, 60_000);
});
