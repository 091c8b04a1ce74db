export { Office, type OfficeProps } from './Office';
export {
  createOfficeState,
  describeOffice,
  type ApplyOptions,
  type OfficeState,
  type OfficeStateOptions,
} from './state';
export { layoutOffice, iso, fromIso, type Camera, type OfficeLayout, type Seat } from './geometry';
export type {
  BubbleKind,
  LiveAgent,
  OfficeAgent,
  OfficeAgentStatus,
  OfficeBubble,
  OfficeEvent,
  OfficeSnapshot,
  OfficeSnapshotAgent,
  OfficeSubscribe,
  OfficeTask,
  OfficeThought,
  RingKind,
} from './types';
