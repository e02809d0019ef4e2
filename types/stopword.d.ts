// stopword 3 ships no type declarations; only the language lists we use are declared.
declare module 'stopword' {
  export const fra: string[];
  export const nld: string[];
  export const deu: string[];
  export const eng: string[];
  export function removeStopwords(tokens: string[], stopwords?: string[]): string[];
}
