import { serversNeeded, serviceLevel, trafficErlangs, type Demand, type ServiceTarget } from './erlangC';

export interface StaffingInputs extends Demand {
  /** Conversations one operator holds at once: each is one Erlang C server. */
  capacity: number;
  operatorsOnline: number;
}

export interface StaffingAdvice {
  /** The inputs, as the view shows them beside the advice. */
  arrivalsPerHour: number;
  handleSeconds: number;
  trafficErlangs: number;
  serversNeeded: number;
  operatorsNeeded: number;
  operatorsOnline: number;
  /** Operators to add (negative: that many could be spared). */
  add: number;
  /** The share taken within the target with the operators online now. */
  serviceLevelNow: number;
}

/**
 * Operators a queue and language need: Erlang C on the measured demand, with each operator serving
 * `capacity` conversations at once (the handling time is measured per conversation, claim to close,
 * so each place is a server).
 */
export function staffingAdvice(inputs: StaffingInputs, target: ServiceTarget): StaffingAdvice {
  const servers = serversNeeded(inputs, target);
  const operatorsNeeded = Math.ceil(servers / inputs.capacity);
  return {
    arrivalsPerHour: inputs.arrivalsPerSecond * 3600,
    handleSeconds: inputs.handleSeconds,
    trafficErlangs: trafficErlangs(inputs),
    serversNeeded: servers,
    operatorsNeeded,
    operatorsOnline: inputs.operatorsOnline,
    add: operatorsNeeded - inputs.operatorsOnline,
    serviceLevelNow: serviceLevel(inputs.operatorsOnline * inputs.capacity, inputs, target.targetSeconds),
  };
}
