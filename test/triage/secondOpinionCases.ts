import type { Lang } from '../../models';

/** Victim inquiries the lexicon does not recognise: people ill or hurt, said in other words. */
export const PARAPHRASED_D2: [Lang, string][] = [
  ['en', 'been throwing up since i walked through the smoke'],
  ['en', 'my ears are still ringing since the blast and i cant hear properly'],
  ['fr', "depuis l'explosion j'entends plus rien d'une oreille"],
  ['fr', 'depuis que jai touché la mousse jai les mains rouges et gonflées'],
  ['nl', 'na het blussen zijn mijn handen rood en gezwollen en het wordt steeds erger'],
  ['nl', 'ik heb sinds de ontploffing een fluittoon en zie wazig'],
  ['de', 'seit dem Knall pfeift es im Ohr und alles ist verschwommen'],
  ['de', 'ich habe mir beim Wegrennen den Fuß gebrochen und bin allein'],
];

/** General questions that name a relative: they must stay with the FAQ. */
export const TRAPS: [Lang, string][] = [
  ['en', 'can my kids go to school tomorrow'],
  ['en', 'my mother needs her medication, is the pharmacy open'],
  ['fr', "mes enfants peuvent aller à l'école demain ?"],
  ['fr', 'ma mère a besoin de ses médicaments, la pharmacie est ouverte ?'],
  ['nl', 'mogen mijn kinderen morgen naar school?'],
  ['nl', 'mijn moeder heeft haar medicatie nodig, is de apotheek open?'],
  ['de', 'dürfen meine Kinder morgen in die Schule?'],
  ['de', 'meine Mutter braucht ihre Medikamente, hat die Apotheke offen?'],
];
