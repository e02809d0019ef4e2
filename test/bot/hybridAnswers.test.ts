import { PassageVectorsModel } from '../../models';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';

describe('understanding what citizens mean, over the Bot Framework protocol', () => {
  const bot = useTestBot();

  it('says in /healthz that it answers by meaning and words together', async () => {
    const health = (await (await fetch(`${bot.app.url}/healthz`)).json()) as { understanding: string };
    expect(health.understanding).toBe('hybrid');
  });

  it('made the demo content’s vectors once, stored for every process', async () => {
    expect(await PassageVectorsModel.countDocuments({})).toBe(1);
  });

  it.each([
    ['en', 'my cat wants to go out, is that ok', 'pets-livestock'],
    ['nl', 'gaan de lessen morgen gewoon door?', 'schools'],
    ['fr', 'peut-on manger les tomates du potager', 'garden-vegetables'],
    ['de', 'wo kann ich heute nacht schlafen', 'reception-centre'],
  ])('answers a %s paraphrase that shares few words with the entry: %s', async (lang, text, faqId) => {
    const replies = await bot.channel.conversation().say(text);
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'answer', faqId, lang });
  });

  it('offers two or three entries, never one, when two entries fit', async () => {
    // About the pets and about the garden: the citizen chooses.
    const replies = await bot.channel
      .conversation()
      .say('is it ok to let my cat out in the garden for a bit');
    const meta = crisisReplyOf(replies[0]!);
    expect(meta?.kind).toBe('clarify');
    expect(meta?.options).toContain('pets-livestock');
    expect(meta?.options?.length).toBeGreaterThanOrEqual(2);
  });
});
