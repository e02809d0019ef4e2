export { GROUP_THRESHOLD, groupByMeaning, type Group, type Groupable } from './grouping';
export { maskPersonalData, MASKS } from './masking';
export {
  groupsOf,
  UnansweredInbox,
  type GroupExample,
  type GroupView,
  type Unanswered,
  type UnansweredMessage,
  type UnansweredSource,
} from './unansweredInbox';
