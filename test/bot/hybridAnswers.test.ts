import type { Lang } from '../../knowledge';
import { PassageVectorsModel } from '../../models';
import { isPersonRequest } from '../../triage';
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
    // About the animals and about eating what the garden gives, and no more: the citizen chooses.
    const replies = await bot.channel.conversation().say('animals and vegetables?');
    const meta = crisisReplyOf(replies[0]!);
    expect(meta?.kind).toBe('clarify');
    expect(meta?.options).toEqual(expect.arrayContaining(['pets-livestock', 'garden-vegetables']));
    expect(meta?.options?.length).toBeGreaterThanOrEqual(2);
  });

  // Without the check against everyday questions, the rule answers both from the reception centre's entry.
  it.each([
    ['en', 'is the town hall open on saturday for a new id card'],
    ['fr', 'la piscine est ouverte dimanche'],
  ])(
    'offers options, never an answer, to a %s everyday question no entry answers: %s',
    async (lang, text) => {
      const replies = await bot.channel.conversation().say(text);
      expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'clarify', lang });
    },
  );

  // Words of victim inquiries (one's home in the zone, burning eyes), but general questions of this
  // crisis: answered rather than met with the victim-inquiry question.
  it.each([
    ['nl', 'woon ik in de gevarenzone? ik woon in de wijk Bellevue', 'confinement-zone'],
    ['nl', 'mijn ogen branden van de rook wat moet ik doen', 'symptoms'],
  ])(
    'answers a %s question of the crisis that reads a little like a victim inquiry: %s',
    async (lang, text, faqId) => {
      const replies = await bot.channel.conversation().say(text);
      expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'answer', faqId, lang });
    },
  );

  // "Talk to someone" is close in meaning to "cannot reach someone": the second opinion on victim
  // inquiries must not take a request for a person for one.
  it.each([
    ['en', 'can i talk to an actual person'],
    ['fr', 'je voudrais parler à quelqu’un de chez vous'],
    ['nl', 'kan ik iemand aan de lijn krijgen'],
    ['de', 'ich möchte mit einem Mitarbeiter sprechen'],
    ['de', 'kein Roboter bitte, ich brauche jemanden am Telefon'],
  ])('hands a %s request for a person to an operator: %s', async (_lang, text) => {
    const replies = await bot.channel.conversation().say(text);
    expect(crisisReplyOf(replies[0]!)?.kind).toBe('handoff');
  });

  // The lexicon reads no inquiry in it, the second opinion is sure of one, and a relative is named.
  it('takes a request for a person about a relative who may be a victim to the victim-inquiry intake', async () => {
    const text = 'i need to speak to a person, my brother worked at the depot that blew up';
    expect(isPersonRequest(text, 'en')).toBe(true);
    const replies = await bot.channel.conversation().say(text);
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'd2', lang: 'en' });
  });

  // Words no list of the lexicon holds: the person-request classifier hears the request.
  it.each<[Lang, string]>([
    ['en', 'id rather go over this with somebody in person'],
    ['de', 'das möchte ich lieber persönlich mit jemandem klären'],
    ['fr', 'je préfère régler ça de vive voix avec quelqu un'],
  ])('hands a %s request for a person in words of its own to an operator: %s', async (lang, text) => {
    expect(isPersonRequest(text, lang)).toBe(false);
    const replies = await bot.channel.conversation().say(text);
    expect(crisisReplyOf(replies[0]!)?.kind).toBe('handoff');
  });
});
