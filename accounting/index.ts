export { InteractionLog, type InteractionEntry, type InteractionLogOptions } from './interactionLog';
export { countedUsage, UsageCounters } from './usageCounters';
export { usageFromLog } from './usageFromLog';
export { type HourUsage } from './usage';
export { Tariffs, tariffInputSchema, pricesAt, type TariffInput, type TariffVersion } from './tariffs';
export { buildReport, type Report, type CostLine } from './report';
export { Reports, ReportNotFound, type ReportRequest, type IssuedReport } from './reports';
export { reportCsv } from './reportCsv';
export { purgeOldInteractions } from './interactionRetention';
