import type { Lang } from '../models';
import { ABOUT_WINDOW, aboutPerson, countDistinct, notAboutThing } from './aboutness';
import { Analysis, distance, nearest, precededBy } from './analysis';
import type { Match } from './patterns';

export type InquiryDecision = 'd2' | 'unsure' | 'd5';

export interface InquiryClassification {
  /** d2: victim inquiry; unsure: ask whether it is about someone who may be affected; d5: FAQ. */
  decision: InquiryDecision;
  score: number;
  /** Immediate danger: the citizen must be told to call 112 first. */
  urgent: boolean;
  /**
   * Harm or illness is said of someone (the writer included): a doubt rests on what happened to
   * them, not only on a name.
   */
  concerned: boolean;
  /**
   * Nobody and nothing that happens to anyone was found: no person, relative, contact lost,
   * search, fate, harm, illness, presence or danger; at most the cues of a question.
   */
  silent: boolean;
  /**
   * Nobody but the writer can be the one affected: no relative, person or pronoun, no contact
   * lost, no search. The writer's own symptoms are first what the FAQ's health entry answers.
   */
  aboutTheWriterAlone: boolean;
  /**
   * A relative or someone the writer is tied to, or a pronoun for someone: more than the person
   * words ("someone", "an employee") a request for a person names too.
   */
  namesARelative: boolean;
  /** The phrases that counted, for logs and tests: "kin:son", "contact:cant reach", "typo:…". */
  signals: string[];
}

/**
 * Weights of the evidence, added into one score. Missing a D2 message is the worst failure, so the
 * scale leans towards asking:
 * - someone the writer is tied to ("my wife", "ma fille") reaches UNSURE alone: citizens describe
 *   a missing relative in too many ways for any list; the message goes back to the FAQ only when
 *   it reads as an information question (INFO cues: "can she", "is it open", "tomorrow");
 * - a concern (contact lost, searching, a fate, harm) about that person reaches D2, and question
 *   cues no longer count against it: "can you help, she doesn't answer" is still D2;
 * - contact loss reaches UNSURE even with nobody named ("no news since this morning");
 * - harm said about nobody in particular is news ("which hospital takes the injured?");
 * - illness or exposure (fever, vomiting, burning eyes, "breathed in the smoke") of someone named
 *   reaches UNSURE, and question cues do not count against it: an ill relative may be a victim,
 *   or the question may be about a mild symptom; the yes/no question tells. With a time or a place
 *   ("since the explosion", "was at the plant"), it reaches D2. Of a person not tied to the writer
 *   ("a child"), it stays below UNSURE unless something else is said; of the writer, it reaches
 *   UNSURE without a question cue.
 */
const WEIGHT = {
  ownedPerson: 3.5,
  /** a relative, not the writer's own ("sa fille"), or a pronoun-only referent gets less */
  kin: 2,
  /** "a child", "someone": a person, but not necessarily one the writer is tied to */
  person: 1,
  pronoun: 1,
  /** "I was injured": the writer may be a victim */
  selfHarmed: 2,
  contact: 3.5,
  search: 3,
  fate: 3,
  harm: 3,
  impersonalHarm: 1,
  /** "hospital" near someone: may be a patient, may be an appointment */
  harmWeak: 0.5,
  /** "she has a fever", "I keep vomiting": ill or exposed, not necessarily a victim */
  illness: 1.5,
  worry: 1,
  /** someone was at the plant / works at the station: possibly affected */
  presenceAtScene: 1,
  presence: 0.5,
  time: 0.5,
  /** per information-question cue, at most INFO_CUES of them */
  info: -1.5,
} as const;
const INFO_CUES = 2;
const D2_AT = 5.5;
const UNSURE_AT = 3.5;
/** Words between "was/works/lives" and the place ("était à la crèche près du site"). */
const SCENE_WINDOW = 6;
/** Words allowed between a possessive or a subject and its noun or verb ("my little brother"). */
const ATTACHED = 2;

/** Who the message is about: how specific a person, and the spans that name someone. */
interface Who {
  weight: number;
  referents: Match[];
  /** Kin or pronouns among the referents. */
  relatives: Match[];
  /** Animals but no person: "missing" or "trapped" is the pets FAQ, and pronouns are the animal's. */
  onlyAnimals: boolean;
}

function whoOf(a: Analysis): Who {
  const possessives = a.hits('possessive');
  const owned = (m: Match) => precededBy(m, possessives, ATTACHED);
  const kin = a.hits('kin');
  const persons = a.hits('person');
  const weights = [
    ...kin.map((m) => (owned(m) ? WEIGHT.ownedPerson : WEIGHT.kin)),
    ...persons.map((m) => (owned(m) ? WEIGHT.ownedPerson : WEIGHT.person)),
  ];
  const pronouns = a.hits('pronoun');
  if (weights.length === 0 && pronouns.length > 0) weights.push(WEIGHT.pronoun);
  return {
    weight: Math.max(0, ...weights),
    referents: [...kin, ...persons, ...pronouns],
    relatives: [...kin, ...pronouns],
    onlyAnimals: a.has('animal') && kin.length === 0 && persons.length === 0,
  };
}

/** What is said about the person: the phrases that count, and their weight. */
function concernOf(a: Analysis, who: Who, things: Match[]) {
  const { referents, onlyAnimals } = who;
  const self = a.hits('self');
  const contact = onlyAnimals ? [] : a.hits('contact').filter((m) => notAboutThing(m, referents, things));
  const search = a.hits('search').filter((m) => aboutPerson(m, referents, things));
  // "then nothing", "is he ok?" say nothing without someone named somewhere in the message.
  const fate =
    onlyAnimals || referents.length === 0
      ? []
      : a.hits('fate').filter((m) => notAboutThing(m, referents, things));
  // Danger to nobody in particular ("the water is rising") is news; to a person or the writer, 112.
  const urgent = !onlyAnimals && (referents.length > 0 || self.length > 0) ? a.hits('urgent') : [];
  const harm = [...a.hits('harm'), ...urgent];
  const illness = onlyAnimals ? [] : a.hits('illness');
  // "I was injured", "I keep vomiting", "my eyes are burning": the writer may be a victim.
  const possessives = a.hits('possessive');
  const selfHarmed =
    harm.some((m) => precededBy(m, self, ATTACHED)) ||
    illness.some((m) => precededBy(m, self, ATTACHED) || precededBy(m, possessives, 0));
  const whoWeight = Math.max(who.weight, selfHarmed ? WEIGHT.selfHarmed : 0);
  const personal = whoWeight > 0 && !onlyAnimals;

  let weight = 0;
  if (contact.length > 0) weight += WEIGHT.contact;
  if (search.length > 0) weight += WEIGHT.search;
  if (fate.length > 0) weight += WEIGHT.fate;
  if (harm.length > 0) weight += personal ? WEIGHT.harm : WEIGHT.impersonalHarm;
  else if (illness.length > 0 && personal) weight += WEIGHT.illness;
  // Someone named ill or exposed: the question ("should she be tested?", "what do we do?") does
  // not make it general. The writer's own symptoms beside a question are what the FAQ's health
  // entries answer ("my eyes burn from the smoke, what should I do?").
  const strong = weight >= WEIGHT.search || (illness.length > 0 && who.weight > 0);
  if (personal && a.has('harmWeak')) weight += WEIGHT.harmWeak;
  if (a.hits('worry').some((m) => aboutPerson(m, referents, things))) weight += WEIGHT.worry;
  return { weight, strong, whoWeight, personal, contact, search, fate, harm, illness, urgent };
}

/** Where and when: someone at the scene, a time since which nothing is known. */
function contextOf(a: Analysis, personal: boolean): { weight: number; presence: Match[] } {
  const time = a.has('time') ? WEIGHT.time : 0;
  if (!personal) return { weight: time, presence: [] };
  // The writer's own whereabouts ("we live next to the plant", "woon ik in de zone") say nothing
  // about someone else; the subject sits right before the verb, or right after it in questions.
  const self = a.hits('self');
  const own = (m: Match) => precededBy(m, self, 1) || self.some((s) => s.start === m.end);
  const presence = a.hits('presence').filter((m) => !own(m));
  const atScene = presence.some((m) => nearest(m, a.hits('scene')) <= SCENE_WINDOW);
  const where = atScene ? WEIGHT.presenceAtScene : presence.length > 0 ? WEIGHT.presence : 0;
  return { weight: time + where, presence };
}

/** Cues that the message is an information question; looking for a bed or a number is one too. */
function questionCues(a: Analysis, referents: Match[], things: Match[]): Match[] {
  // A word read as a time ("heute Morgen") is not also a cue ("morgen" = tomorrow).
  const info = a.hits('info').filter((m) => !a.hits('time').some((t) => distance(m, t) === 0));
  const forThings = a
    .hits('search')
    .filter((m) => !aboutPerson(m, referents, things) && nearest(m, things) <= ABOUT_WINDOW);
  return [...info, ...forThings];
}

export function classifyInquiry(text: string, lang: Lang): InquiryClassification {
  const a = new Analysis(text, lang);
  const who = whoOf(a);
  const things = [...a.hits('notAboutPerson'), ...a.hits('animal')];
  const concern = concernOf(a, who, things);
  const context = contextOf(a, concern.personal);
  const cues = concern.strong ? [] : questionCues(a, who.referents, things);
  const info = Math.min(INFO_CUES, countDistinct(cues)) * WEIGHT.info;

  const score = concern.whoWeight + concern.weight + context.weight + info;
  const urgent = concern.urgent.length > 0;
  const decision: InquiryDecision = score >= D2_AT ? 'd2' : score >= UNSURE_AT || urgent ? 'unsure' : 'd5';

  const evidence: Record<string, Match[]> = {
    kin: a.hits('kin'),
    person: a.hits('person'),
    presence: context.presence,
    contact: concern.contact,
    search: concern.search,
    fate: concern.fate,
    harm: concern.harm,
    illness: concern.illness,
    urgent: concern.urgent,
  };
  const named = (list: string, matches: Match[]) => matches.map((m) => `${list}:${m.source}`);
  const signals = [
    ...a.corrections,
    ...Object.entries(evidence).flatMap(([list, matches]) => named(list, matches)),
    ...named('info', cues),
  ];
  const concerned = concern.personal && concern.harm.length + concern.illness.length > 0;
  const silent = Object.values(evidence).every((matches) => matches.length === 0);
  const aboutTheWriterAlone =
    who.referents.length === 0 && concern.contact.length === 0 && concern.search.length === 0;
  const namesARelative = !who.onlyAnimals && who.relatives.length > 0;
  return { decision, score, urgent, concerned, silent, aboutTheWriterAlone, namesARelative, signals };
}
