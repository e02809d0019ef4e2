import {
  meanWaitSeconds,
  serversNeeded,
  serviceLevel,
  trafficErlangs,
  waitProbability,
} from '../../accounting/erlangC';
import { staffingAdvice } from '../../accounting/staffingAdvice';

/**
 * Reference: the worked example published with two independent Erlang C packages, the R package
 * ErlangC 0.1.0 (CRAN, 2024; README of calculate_agents / erlang_c) and the Python package
 * pyworkforce 0.1.0 (PyPI, README of ErlangC.required_positions): 100 calls in 30 minutes, average
 * handling time 180 s, target 80 % answered within 20 s. Both give 10 erlangs and 14 agents, with
 * a wait probability of 0.1741319, a service level of 0.88835, an average speed of answer of
 * 7.83593701177724 s and an occupancy of 0.7142857; the R package lists its search starting at 11
 * agents with a wait probability of 0.6821182.
 */
const REFERENCE = { arrivalsPerSecond: 100 / (30 * 60), handleSeconds: 180 };
const TARGET = { serviceLevel: 0.8, targetSeconds: 20 };

describe('Erlang C against the published reference example', () => {
  it('gives the published traffic, wait probabilities, service level and speed of answer', () => {
    expect(trafficErlangs(REFERENCE)).toBeCloseTo(10, 10);
    expect(waitProbability(14, 10)).toBeCloseTo(0.1741319, 6);
    expect(waitProbability(11, 10)).toBeCloseTo(0.6821182, 6);
    expect(serviceLevel(14, REFERENCE, 20)).toBeCloseTo(0.88835, 5);
    expect(meanWaitSeconds(14, REFERENCE)).toBeCloseTo(7.83593701177724, 8);
    expect(trafficErlangs(REFERENCE) / 14).toBeCloseTo(0.7142857, 6);
  });

  it('needs 14 agents for 80 % within 20 s, as published, and 13 fall short', () => {
    expect(serversNeeded(REFERENCE, TARGET)).toBe(14);
    expect(serviceLevel(13, REFERENCE, 20)).toBeLessThan(0.8);
  });

  it('is 1 (everyone waits) when the servers cannot carry the traffic, and 0 with no traffic', () => {
    expect(waitProbability(10, 10)).toBe(1);
    expect(serviceLevel(9, REFERENCE, 20)).toBe(0);
    expect(waitProbability(3, 0)).toBe(0);
    expect(serversNeeded({ arrivalsPerSecond: 0, handleSeconds: 180 }, TARGET)).toBe(0);
  });

  it('stays finite for large centres, where A^N / N! would overflow', () => {
    const big = { arrivalsPerSecond: 20, handleSeconds: 300 }; // 6,000 erlangs
    const needed = serversNeeded(big, TARGET);
    expect(needed).toBeGreaterThan(6000);
    expect(needed).toBeLessThan(6200);
    expect(serviceLevel(needed, big, 20)).toBeGreaterThanOrEqual(0.8);
  });
});

describe('staffing advice', () => {
  const target = { serviceLevel: 0.8, targetSeconds: 120 };
  const advise = (perHour: number, online: number) =>
    staffingAdvice(
      { arrivalsPerSecond: perHour / 3600, handleSeconds: 300, capacity: 3, operatorsOnline: online },
      target,
    );

  it('turns servers into operators by their capacity and says how many to add', () => {
    const advice = advise(120, 2); // 10 erlangs
    expect(advice.trafficErlangs).toBeCloseTo(10, 10);
    expect(advice.serversNeeded).toBe(
      serversNeeded({ arrivalsPerSecond: 120 / 3600, handleSeconds: 300 }, target),
    );
    expect(advice.operatorsNeeded).toBe(Math.ceil(advice.serversNeeded / 3));
    expect(advice.add).toBe(advice.operatorsNeeded - 2);
    expect(advice).toMatchObject({ arrivalsPerHour: 120, handleSeconds: 300, operatorsOnline: 2 });
  });

  it('asks for more operators as the arrival rate grows, and fewer as it falls', () => {
    const rates = [0, 12, 60, 120, 240, 480];
    const needed = rates.map((rate) => advise(rate, 1).operatorsNeeded);
    expect(needed[0]).toBe(0);
    for (let i = 1; i < needed.length; i++) expect(needed[i]).toBeGreaterThan(needed[i - 1]!);
    expect(advise(480, 1).add).toBeGreaterThan(advise(60, 1).add);
    expect(advise(0, 4).add).toBe(-4);
  });

  it('reports the service level the operators online give now', () => {
    expect(advise(120, 0).serviceLevelNow).toBe(0);
    const enough = advise(120, advise(120, 0).operatorsNeeded);
    expect(enough.serviceLevelNow).toBeGreaterThanOrEqual(0.8);
    expect(enough.add).toBe(0);
  });
});
