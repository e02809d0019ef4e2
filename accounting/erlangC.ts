/**
 * Erlang C (the M/M/N queue): how many servers a queue needs for a service level, from the
 * arrival rate and the mean handling time. Pure arithmetic, no I/O.
 */

export interface ServiceTarget {
  /** Share of arrivals to be taken within `targetSeconds` (0.8 for 80 %). */
  serviceLevel: number;
  targetSeconds: number;
}

export interface Demand {
  /** Arrivals a second (tickets opened, measured). */
  arrivalsPerSecond: number;
  /** Mean time a server spends on one arrival, in seconds. */
  handleSeconds: number;
}

/** Offered traffic in erlangs: the servers busy on average. */
export function trafficErlangs({ arrivalsPerSecond, handleSeconds }: Demand): number {
  return arrivalsPerSecond * handleSeconds;
}

/**
 * Probability that an arrival waits with `servers` servers and `traffic` erlangs (1 when the queue
 * grows without end). Computed through Erlang B's recursion, which neither overflows nor loses
 * precision the way A^N / N! does for hundreds of servers.
 */
export function waitProbability(servers: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (servers <= traffic) return 1;
  let blocking = 1;
  for (let n = 1; n <= servers; n++) blocking = (traffic * blocking) / (n + traffic * blocking);
  return (servers * blocking) / (servers - traffic * (1 - blocking));
}

/** Share of arrivals taken within `targetSeconds` with `servers` servers. */
export function serviceLevel(servers: number, demand: Demand, targetSeconds: number): number {
  const traffic = trafficErlangs(demand);
  if (traffic <= 0) return 1;
  if (servers <= traffic) return 0;
  const waits = waitProbability(servers, traffic);
  return 1 - waits * Math.exp((-(servers - traffic) * targetSeconds) / demand.handleSeconds);
}

/** Mean wait of an arrival (the average speed of answer), in seconds; Infinity when overloaded. */
export function meanWaitSeconds(servers: number, demand: Demand): number {
  const traffic = trafficErlangs(demand);
  if (traffic <= 0) return 0;
  if (servers <= traffic) return Infinity;
  return (waitProbability(servers, traffic) * demand.handleSeconds) / (servers - traffic);
}

/** No queue needs more: beyond this the inputs are nonsense, and the search must end. */
const MOST_SERVERS = 100_000;

/** The fewest servers that meet the target; 0 when nothing arrives. */
export function serversNeeded(demand: Demand, target: ServiceTarget): number {
  if (!(demand.arrivalsPerSecond > 0) || !(demand.handleSeconds > 0)) return 0;
  let servers = Math.max(1, Math.floor(trafficErlangs(demand)) + 1);
  while (servers < MOST_SERVERS && serviceLevel(servers, demand, target.targetSeconds) < target.serviceLevel)
    servers++;
  return servers;
}
