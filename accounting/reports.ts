import { randomBytes } from 'node:crypto';
import { CrisisModel, IssuedReportModel, TicketModel } from '../models';
import { buildReport, withExercises, type Activation, type Report } from './report';
import type { Tariffs } from './tariffs';
import type { Period, TicketFacts } from './ticketMeasures';
import { ceilHour, hourStartOf } from './hours';
import { countedUsage } from './usageCounters';

export type ReportRequest =
  { scope: 'activation'; slug: string } | { scope: 'authority'; nis: string; from: Date; to: Date };

export interface IssuedReport {
  id: string;
  issuedAt: string;
  issuedBy: string;
  report: Report;
}

export interface BuildOptions {
  now?: Date;
  mayRead?: (authorityNis: string | undefined) => boolean;
}

/** The report asked for does not exist (unknown crisis) or is not the caller's to see. */
export class ReportNotFound extends Error {}

async function ticketsOf(slugs: string[]): Promise<TicketFacts[]> {
  const docs = await TicketModel.find(
    { crisisSlug: { $in: slugs } },
    { crisisSlug: 1, conversationId: 1, queue: 1, createdAt: 1, claims: 1 },
  ).lean();
  return docs.map((doc) => ({
    crisisSlug: doc.crisisSlug,
    conversationId: doc.conversationId,
    queue: doc.queue,
    createdAt: (doc as unknown as { createdAt: Date }).createdAt,
    claims: (doc.claims ?? []).map((c) => ({ by: c.by ?? '', from: c.from!, ...(c.to ? { to: c.to } : {}) })),
  }));
}

function activationOf(doc: {
  slug: string;
  authorityNis?: string | null;
  activatedAt: Date;
  deactivatedAt?: Date | null;
  exercise?: boolean | null;
}): Activation {
  return {
    slug: doc.slug,
    activatedAt: doc.activatedAt,
    ...(doc.exercise ? { exercise: true } : {}),
    ...(doc.authorityNis ? { authorityNis: doc.authorityNis } : {}),
    ...(doc.deactivatedAt ? { deactivatedAt: doc.deactivatedAt } : {}),
  };
}

/**
 * Cost reports from the usage counters, the tickets and the tariffs. An activation's report runs
 * from the hour it was activated to the hour it ended (now, while it is still open); an
 * authority's report covers its activations within a period of whole hours.
 */
export class Reports {
  constructor(private readonly tariffs: Tariffs) {}

  /**
   * `mayRead` says whether the caller may see reports of an authority; it is asked as soon as the
   * authority is known, before anything else is read. A report the caller may not see is as unknown.
   */
  async build(request: ReportRequest, options: BuildOptions = {}): Promise<Report> {
    const { now = new Date(), mayRead = () => true } = options;
    if (request.scope === 'activation') {
      const crisis = await CrisisModel.findOne({ slug: request.slug }).lean();
      if (!crisis || !mayRead(crisis.authorityNis ?? undefined)) {
        throw new ReportNotFound(`no activation ${request.slug}`);
      }
      const activation = activationOf(crisis);
      const end = activation.deactivatedAt ?? now;
      const period = { from: hourStartOf(activation.activatedAt), to: ceilHour(end) };
      return this.compose(
        request.scope,
        request.slug,
        activation.authorityNis,
        [activation],
        period,
        !activation.deactivatedAt,
        now,
      );
    }
    if (!mayRead(request.nis)) throw new ReportNotFound(`no authority ${request.nis}`);
    const period = { from: request.from, to: request.to };
    const crises = await CrisisModel.find({ authorityNis: request.nis }).lean();
    const activations = crises
      .map(activationOf)
      .filter((a) => a.activatedAt < period.to && (!a.deactivatedAt || a.deactivatedAt >= period.from));
    const open = period.to > now;
    const compose = (part: Activation[]) =>
      this.compose(request.scope, request.nis, request.nis, part, period, open, now);
    // Exercises never mix with the real service's figures: built apart, shown on their own lines.
    const drills = activations.filter((a) => a.exercise);
    const real = await compose(activations.filter((a) => !a.exercise));
    return drills.length > 0 ? withExercises(real, await compose(drills)) : real;
  }

  /** Builds the report and keeps it as issued: later tariff versions never change it. */
  async issue(request: ReportRequest, issuedBy: string, options: BuildOptions = {}): Promise<IssuedReport> {
    const now = options.now ?? new Date();
    const report = await this.build(request, { ...options, now });
    const id = `R-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
    await IssuedReportModel.create({
      _id: id,
      scope: report.scope,
      subject: report.subject,
      ...(report.authorityNis ? { authorityNis: report.authorityNis } : {}),
      from: new Date(report.period.from),
      to: new Date(report.period.to),
      issuedAt: now,
      issuedBy,
      report,
    });
    return { id, issuedAt: now.toISOString(), issuedBy, report };
  }

  async issued(id: string): Promise<IssuedReport | undefined> {
    const doc = await IssuedReportModel.findById(id).lean();
    if (!doc) return undefined;
    return {
      id: doc._id,
      issuedAt: doc.issuedAt.toISOString(),
      issuedBy: doc.issuedBy,
      report: doc.report as Report,
    };
  }

  /** Issued reports, newest first; of one authority when given. */
  async listIssued(authorityNis?: string): Promise<
    Array<
      Omit<IssuedReport, 'report'> & {
        scope: string;
        subject: string;
        from: string;
        to: string;
        totalCents: number;
      }
    >
  > {
    const docs = await IssuedReportModel.find(authorityNis ? { authorityNis } : {}, {
      scope: 1,
      subject: 1,
      from: 1,
      to: 1,
      issuedAt: 1,
      issuedBy: 1,
      'report.totalCents': 1,
    })
      .sort({ issuedAt: -1 })
      .lean();
    return docs.map((doc) => ({
      id: doc._id,
      scope: doc.scope,
      subject: doc.subject,
      from: doc.from.toISOString(),
      to: doc.to.toISOString(),
      issuedAt: doc.issuedAt.toISOString(),
      issuedBy: doc.issuedBy,
      totalCents: (doc as unknown as { report: Report }).report.totalCents,
    }));
  }

  private async compose(
    scope: Report['scope'],
    subject: string,
    authorityNis: string | undefined,
    activations: Activation[],
    period: Period,
    open: boolean,
    now: Date,
  ): Promise<Report> {
    const slugs = activations.map((a) => a.slug);
    // An activation report is of one crisis, real or exercise; an authority's parts are one kind each.
    const exercise = activations.length > 0 && activations.every((a) => a.exercise);
    const [hours, tickets, tariffs] = await Promise.all([
      countedUsage(slugs, period),
      ticketsOf(slugs),
      this.tariffs.list(authorityNis ? ['default', authorityNis] : ['default']),
    ]);
    return buildReport({
      scope,
      subject,
      ...(authorityNis ? { authorityNis } : {}),
      period,
      open,
      now,
      activations,
      hours,
      tickets,
      tariffs,
      exercise,
    });
  }
}
