import { ADMIN, ApiClient, authorityUser } from './api';

export const MARKERS = { fr: 'EXERCICE', nl: 'OEFENING', de: 'ÜBUNG', en: 'EXERCISE' } as const;
export const ALL_LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;

/** Registers an authority speaking the four languages (as an admin), and signs in one of its users with a second factor. */
export async function drillingAuthority(baseUrl: string, nis: string) {
  const admin = await new ApiClient(baseUrl).login(ADMIN.username, ADMIN.password);
  const created = await admin.post('/api/authorities', {
    nisCode: nis,
    name: `Drill town ${nis}`,
    languages: [...ALL_LANGUAGES],
    contacts: [{ name: 'Planning', email: `planning-${nis}@drill.example`, phone: '+32 2 123 45 67' }],
  });
  if (created.status !== 201) throw new Error(`authority not created: ${JSON.stringify(created.body)}`);
  return authorityUser(baseUrl, nis);
}

type Authority = Awaited<ReturnType<typeof authorityUser>>;

/** Activates a crisis from a template in four languages; `step` picks a distinct second-factor code. */
export async function activateFromTemplate(
  authority: Authority,
  options: { slug: string; template: string; exercise: boolean; step: number },
) {
  const res = await authority.post<{ slug: string; exercise: boolean; status: string }>('/api/crises', {
    slug: options.slug,
    template: options.template,
    title: {
      fr: `Crise ${options.slug}`,
      nl: `Crisis ${options.slug}`,
      de: `Krise ${options.slug}`,
      en: `Crisis ${options.slug}`,
    },
    languages: [...ALL_LANGUAGES],
    infoNumber: '+32 800 11 222',
    exercise: options.exercise,
    totp: authority.code(options.step),
  });
  if (res.status !== 201) throw new Error(`activation answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
