/** An entry written in French and English only: Dutch and German are missing. */
export const SANDBAGS = {
  id: 'sandbags',
  category: 'practical',
  question: {
    fr: 'Où trouver des sacs de sable ?',
    en: 'Where can I get sandbags?',
  },
  answer: {
    fr: 'Des sacs de sable sont distribués gratuitement au dépôt communal, rue du Moulin 3, tous les jours de 8 à 20 heures. Plus d’informations : https://www.valmont.example/crise',
    en: 'Sandbags are handed out free of charge at the municipal depot, 3 Mill Street, every day from 8 am to 8 pm. More: https://www.valmont.example/crise',
  },
};

export const TRANSLATIONS = {
  nl: {
    question: 'Waar vind ik zandzakken?',
    answer:
      'Zandzakken worden gratis uitgedeeld in het gemeentelijk depot, Molenstraat 3, elke dag van 8 tot 20 uur. Meer informatie: https://www.valmont.example/crise',
  },
  de: {
    question: 'Wo bekomme ich Sandsäcke?',
    answer:
      'Sandsäcke werden jeden Tag von 8 bis 20 Uhr kostenlos im Gemeindedepot in der Mühlenstraße 3 verteilt. Mehr Informationen: https://www.valmont.example/crise',
  },
};
