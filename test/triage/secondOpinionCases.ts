import type { Lang } from '../../models';

/** Victim inquiries the lexicon does not recognise: people ill or hurt, said in other words. */
export const PARAPHRASED_D2: [Lang, string][] = [
  ['en', 'been throwing up since i walked through the smoke'],
  ['en', 'i have a rash all over since wading through the flood water'],
  ['fr', "je tousse et j'ai du mal à respirer depuis que je suis sorti"],
  ['fr', "j'ai vomi toute la nuit après avoir bu l'eau du robinet"],
  ['nl', 'mijn vriendin was buiten tijdens de wolk en moet de hele tijd overgeven'],
  ['nl', 'ik heb sinds de ontploffing een fluittoon en zie wazig'],
  ['de', 'mein Mann war draußen in der Nähe vom Werk und muss sich jetzt ständig übergeben'],
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
