import { buildReport, type TariffVersion } from '../../accounting';

const HOUR = new Date('2026-05-01T10:00:00Z');
const tariff = (fields: Partial<TariffVersion> & { id: string; scope: string }): TariffVersion => ({
  version: 1,
  validFrom: new Date('2026-01-01T00:00:00Z'),
  createdBy: 'admin',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  ...fields,
});
const DEFAULT = tariff({
  id: 'default:v1',
  scope: 'default',
  activationCents: 40_000,
  operatorQuarterHourD5Cents: 800,
  operatorQuarterHourD2Cents: 1000,
  personConversationCents: 100,
  tokensInPerMillionCents: 0,
  tokensOutPerMillionCents: 0,
  messageCents: [{ channel: 'directline', cents: 3 }],
});

function report(exercise: boolean, tariffs: TariffVersion[]) {
  return buildReport({
    scope: 'activation',
    subject: 'flood',
    authorityNis: '21004',
    period: { from: HOUR, to: new Date(HOUR.getTime() + 3_600_000) },
    open: false,
    now: new Date('2026-05-02T00:00:00Z'),
    activations: [{ slug: 'flood', activatedAt: HOUR, authorityNis: '21004', exercise }],
    hours: [
      {
        crisisSlug: 'flood',
        hourStart: HOUR,
        messages: [
          {
            direction: 'in',
            channel: 'directline',
            lang: 'nl',
            kind: 'answer',
            count: 10,
            tokensIn: 0,
            tokensOut: 0,
          },
        ],
        conversations: [{ channel: 'directline', lang: 'nl', count: 4 }],
      },
    ],
    tickets: [],
    tariffs,
    exercise,
  });
}

describe('pricing exercises', () => {
  it('prices an exercise at the tariff’s exercise share of every price, its lines marked', () => {
    const half = report(true, [DEFAULT, tariff({ id: '21004:v1', scope: '21004', exercisePercent: 50 })]);
    expect(half.exercise).toBe(true);
    expect(half.costLines).toEqual([
      expect.objectContaining({ item: 'activation', unitCents: 20_000, amountCents: 20_000, exercise: true }),
      expect.objectContaining({
        item: 'messages',
        unitCents: 2,
        quantity: 10,
        amountCents: 20,
        exercise: true,
      }),
    ]);
    expect(half.totalCents).toBe(20_020);
  });

  it('prices exercises as real service when no tariff says otherwise, and never marks a real activation', () => {
    expect(report(true, [DEFAULT]).totalCents).toBe(report(false, [DEFAULT]).totalCents);
    const real = report(false, [DEFAULT, tariff({ id: '21004:v1', scope: '21004', exercisePercent: 0 })]);
    expect(real.exercise).toBeUndefined();
    expect(real.costLines.every((line) => line.exercise === undefined)).toBe(true);
    expect(real.totalCents).toBe(40_030);
  });
});
