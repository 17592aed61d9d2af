import { InjectionToken } from '@angular/core';
import { RealtimeClient, type RealtimeClientOptions } from '@parley/realtime-client';

/** The part of the realtime client the widget uses (a fake replaces it in unit specs). */
export type Realtime = Pick<
  RealtimeClient,
  'connect' | 'disconnect' | 'reconnect' | 'onState' | 'onSlowDown' | 'on' | 'watch' | 'send' | 'retry' | 'request'
>;

export const REALTIME_FACTORY = new InjectionToken<(options: RealtimeClientOptions) => Realtime>('REALTIME_FACTORY', {
  factory: () => (options) => new RealtimeClient(options),
});
