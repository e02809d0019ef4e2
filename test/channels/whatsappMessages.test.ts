import { reply } from '../../dialogs';
import { capabilitiesOf, graphMessagesFor, renderReply } from '../../channels';

const TO = '32470123456';
/** A reply as the WhatsApp sender gets it: rendered for the channel first. */
const rendered = (text: string, choices: string[] = []) => {
  const { activities } = renderReply(
    reply(text, { kind: 'info', lang: 'en' }, choices),
    capabilitiesOf('whatsapp'),
    {
      numberChoices: true,
    },
  );
  expect(activities).toHaveLength(1);
  return activities[0]!;
};
const interactiveOf = (message: Record<string, unknown>) =>
  message.interactive as {
    type: string;
    body: { text: string };
    action: {
      buttons?: { reply: { id: string; title: string } }[];
      button?: string;
      sections?: { rows: { id: string; title: string; description?: string }[] }[];
    };
  };

describe('WhatsApp messages for a bot reply', () => {
  it('sends plain text, with a link preview only when there is a link', () => {
    const [plain] = graphMessagesFor(rendered('Stay **indoors**.'), TO, 'Choose');
    expect(plain).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TO,
      type: 'text',
      text: { body: 'Stay indoors.', preview_url: false },
    });
    const [linked] = graphMessagesFor(
      rendered('See [the map](https://www.valmont.example/map).'),
      TO,
      'Choose',
    );
    expect(linked!.text).toEqual({
      body: 'See the map (https://www.valmont.example/map).',
      preview_url: true,
    });
  });

  it('offers up to three short choices as reply buttons whose ids are the choices', () => {
    const [message] = graphMessagesFor(rendered('Was this helpful?', ['Yes', 'No']), TO, 'Choose');
    expect(message!.type).toBe('interactive');
    expect(interactiveOf(message!)).toEqual({
      type: 'button',
      body: { text: 'Was this helpful?' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'Yes', title: 'Yes' } },
          { type: 'reply', reply: { id: 'No', title: 'No' } },
        ],
      },
    });
  });

  it('offers longer or more choices as a list, rows within their limits', () => {
    const questions = [
      'Should I stay indoors with the windows closed?',
      'Is the tap water safe?',
      'Schools?',
      'Roads?',
    ];
    const [message] = graphMessagesFor(
      rendered('Did you mean one of these?', questions),
      TO,
      'Choose an answer please',
    );
    const interactive = interactiveOf(message!);
    expect(interactive.type).toBe('list');
    expect(interactive.action.button!.length).toBeLessThanOrEqual(20);
    const rows = interactive.action.sections![0]!.rows;
    expect(rows.map((r) => r.id)).toEqual(questions);
    expect(rows[0]).toEqual({
      id: questions[0],
      title: 'Should I stay indoors…',
      description: 'Should I stay indoors with the windows closed?',
    });
    expect(rows[1]).toEqual({ id: questions[1], title: 'Is the tap water safe?' });
    for (const row of rows) expect(row.title.length).toBeLessThanOrEqual(24);
  });

  it('sends a text too long for an interactive body first, and its last part with the buttons', () => {
    const answer = Array.from({ length: 40 }, (_, i) => `Sentence ${i} of a long answer.`).join(' ');
    const messages = graphMessagesFor(
      rendered(`${answer}\n\nWas this helpful?`, ['Yes', 'No']),
      TO,
      'Choose',
    );
    expect(messages.map((m) => m.type)).toEqual(['text', 'interactive']);
    expect((messages[0]!.text as { body: string }).body).toBe(answer);
    expect(interactiveOf(messages[1]!).body.text).toBe('Was this helpful?');
  });

  it('numbers in the text more choices than a list holds (the renderer decides), and sends text', () => {
    const many = Array.from({ length: 11 }, (_, i) => `Crisis ${i + 1}`);
    const messages = graphMessagesFor(rendered('Which situation?', many), TO, 'Choose');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.type).toBe('text');
    expect((messages[0]!.text as { body: string }).body).toMatch(/\n11\. Crisis 11$/);
  });
});
