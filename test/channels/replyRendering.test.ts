import fs from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { reply } from '../../dialogs';
import {
  CHANNEL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  capabilitiesOf,
  markdownToPlainText,
  renderReply,
  splitText,
} from '../../channels';

const ANSWER =
  'Stay indoors, close **windows and doors** and switch off ventilation.\n\n' +
  'More information:\n- [Map of the zone](https://www.valmont.example/crise?zone=1&lang=en)';
const entityOf = (activity: Partial<Activity>) => activity.entities?.find((e) => e.type === 'crisis.reply');
const render = (activity: Partial<Activity>, channelId: string, numberChoices = true) =>
  renderReply(activity, capabilitiesOf(channelId), { numberChoices });

describe('the table of channel capabilities', () => {
  it('sorts the channels into the three classes', () => {
    expect(capabilitiesOf('webchat').class).toBe('rich');
    expect(capabilitiesOf('msteams').class).toBe('rich');
    expect(capabilitiesOf('telegram').class).toBe('buttons-limited');
    expect(capabilitiesOf('facebook').class).toBe('buttons-limited');
    expect(capabilitiesOf('whatsapp').class).toBe('buttons-limited');
    expect(capabilitiesOf('sms').class).toBe('plain');
  });

  it('gives an unknown channel a plain-text default, whatever its name', () => {
    for (const id of ['kik', 'constructor', '__proto__', '', undefined]) {
      expect(capabilitiesOf(id)).toBe(DEFAULT_CAPABILITIES);
    }
    expect(DEFAULT_CAPABILITIES).toMatchObject({ class: 'plain', markdown: false });
    expect(DEFAULT_CAPABILITIES.buttons).toBeUndefined();
  });

  it('is the table docs/channels.md shows', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/channels.md'), 'utf8');
    for (const [id, capabilities] of Object.entries(CHANNEL_CAPABILITIES)) {
      const row = doc.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${id}\``)) ?? '';
      const cells = row.split('|').map((cell) => cell.trim());
      expect({ id, cells: cells.slice(2, 3).concat(cells.slice(4, 6)) }).toEqual({
        id,
        cells: [
          capabilities.class,
          capabilities.markdown ? 'yes' : 'no',
          capabilities.maxTextLength.toLocaleString('en'),
        ],
      });
    }
  });

  it('is consistent: plain channels show no buttons, and every limit is positive', () => {
    for (const [id, capabilities] of Object.entries(CHANNEL_CAPABILITIES)) {
      expect({ id, plainWithButtons: capabilities.class === 'plain' && !!capabilities.buttons }).toEqual({
        id,
        plainWithButtons: false,
      });
      expect(capabilities.maxTextLength).toBeGreaterThan(100);
    }
  });
});

describe('rendering on a rich channel (Web Chat)', () => {
  it('leaves Markdown, buttons and metadata as they are', () => {
    const activity = reply(ANSWER, { kind: 'answer', faqId: 'stay-indoors', lang: 'en' }, ['Yes', 'No']);
    const { activities, numberedChoices } = render(activity, 'webchat');
    expect(activities).toEqual([activity]);
    expect(numberedChoices).toBeUndefined();
  });

  it('numbers the choices when they are more than the channel shows (Teams: three)', () => {
    const choices = ['Flood in Testdorp', 'Fire in Valmont', 'Power cut in Lier', 'Storm in Aalst'];
    const { activities, numberedChoices } = render(
      reply('Which situation?', { kind: 'info', lang: 'en' }, choices),
      'msteams',
    );
    expect(activities).toHaveLength(1);
    expect(activities[0]!.suggestedActions).toBeUndefined();
    expect(activities[0]!.text).toBe(
      'Which situation?\n\n1. Flood in Testdorp\n2. Fire in Valmont\n3. Power cut in Lier\n4. Storm in Aalst',
    );
    expect(numberedChoices).toEqual(choices);
  });
});

describe('rendering on a buttons-limited channel (Messenger)', () => {
  it('keeps short quick replies as buttons and sends the text plain, links spelled out', () => {
    const { activities } = render(
      reply(ANSWER, { kind: 'answer', faqId: 'stay-indoors', lang: 'en' }, ['Yes', 'No']),
      'facebook',
    );
    expect(activities).toHaveLength(1);
    expect(activities[0]!.textFormat).toBe('plain');
    expect(activities[0]!.text).toBe(
      'Stay indoors, close windows and doors and switch off ventilation.\n\nMore information:\n\n' +
        '- Map of the zone (https://www.valmont.example/crise?zone=1&lang=en)',
    );
    expect(activities[0]!.suggestedActions?.actions.map((a) => a.title)).toEqual(['Yes', 'No']);
  });

  it('numbers choices whose titles are longer than its buttons take', () => {
    const questions = ['Should I stay indoors?', 'Can I drink the tap water?'];
    const { activities, numberedChoices } = render(
      reply('Did you mean one of these?', { kind: 'clarify', lang: 'en' }, questions),
      'facebook',
    );
    expect(activities[0]!.suggestedActions).toBeUndefined();
    expect(activities[0]!.text).toBe(
      'Did you mean one of these?\n\n1. Should I stay indoors?\n2. Can I drink the tap water?',
    );
    expect(numberedChoices).toEqual(questions);
  });
});

describe('rendering on a plain-text channel (SMS)', () => {
  it('writes the choices as a numbered list after plain text, metadata kept', () => {
    const activity = reply(ANSWER, { kind: 'answer', faqId: 'stay-indoors', lang: 'en' }, ['Yes', 'No']);
    const { activities, numberedChoices } = render(activity, 'sms');
    expect(activities).toHaveLength(1);
    expect(activities[0]!.text).toMatch(/switch off ventilation\.\n\n/);
    expect(activities[0]!.text).toContain(
      'Map of the zone (https://www.valmont.example/crise?zone=1&lang=en)',
    );
    expect(activities[0]!.text).toMatch(/\n\n1\. Yes\n2\. No$/);
    expect(activities[0]!.text).not.toMatch(/\*\*|\]\(/);
    expect(activities[0]!.suggestedActions).toBeUndefined();
    expect(entityOf(activities[0]!)).toMatchObject({ kind: 'answer', faqId: 'stay-indoors' });
    expect(numberedChoices).toEqual(['Yes', 'No']);
  });

  it('splits a long reply between words, at the limit, metadata on the first message only', () => {
    const url = 'https://www.valmont.example/a-rather-long-address/with/several/parts?and=a&query=string';
    const long = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} says what to do, see ${url}.`).join(
      ' ',
    );
    const { activities } = render(
      reply(long, { kind: 'answer', faqId: 'x', lang: 'en' }, ['Yes', 'No']),
      'sms',
    );
    expect(activities.length).toBeGreaterThan(3);
    for (const part of activities) expect(part.text!.length).toBeLessThanOrEqual(1600);
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    expect(activities.flatMap((a) => words(a.text!))).toEqual([...words(long), '1.', 'Yes', '2.', 'No']);
    for (const part of activities)
      expect(part.text!.match(/https:\S+/g)?.every((u) => u.startsWith(url))).toBe(true);
    expect(entityOf(activities[0]!)).toBeDefined();
    expect(activities.slice(1).every((a) => a.entities === undefined)).toBe(true);
    expect(activities.every((a) => a.locale === 'en' && a.type === 'message')).toBe(true);
  });

  it('lists choices with dashes where a number could not be mapped back (a proactive message)', () => {
    const { activities, numberedChoices } = render(
      reply('Your place in the queue: 2.', { kind: 'handoff', lang: 'en' }, ['Cancel']),
      'sms',
      false,
    );
    expect(activities[0]!.text).toBe('Your place in the queue: 2.\n\n- Cancel');
    expect(numberedChoices).toBeUndefined();
  });

  it('leaves activities that are not messages alone', () => {
    const typing: Partial<Activity> = { type: 'typing' };
    expect(render(typing, 'sms').activities).toEqual([typing]);
  });
});

describe('plain text and splitting', () => {
  it('keeps paragraphs and lists, drops emphasis, spells out links once', () => {
    expect(
      markdownToPlainText(
        '**Stay** _inside_.\n\n1. Close [windows](https://a.example)\n2. See <https://b.example>\n\n3 < 4 & done',
      ),
    ).toBe('Stay inside.\n\n1. Close windows (https://a.example)\n2. See https://b.example\n\n3 < 4 & done');
  });

  it('prefers paragraph breaks, then lines, then spaces, and cuts a word only if it alone is too long', () => {
    expect(splitText('aaaa bbbb\n\ncccc dddd', 15)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(splitText('short', 10)).toEqual(['short']);
  });
});
